/** The stored feature set: the single source of truth for the indicators table's columns, the kernel's
 * output order and the typed matrices. Names are camelCase; columns are their snake_case. */

export const FEATURES = [
  // trend
  'sma5', 'sma10', 'sma20', 'sma50', 'sma100', 'sma200',
  'ema5', 'ema10', 'ema12', 'ema20', 'ema26', 'ema50', 'ema100', 'ema200',
  'macd', 'macdSignal', 'macdHist', 'adx14', 'plusDi14', 'minusDi14',
  // momentum
  'rsi7', 'rsi14', 'rsi21', 'stochK', 'stochD', 'williamsR14',
  'roc5', 'roc10', 'roc20', 'roc63', 'roc126', 'roc252', 'cci20', 'mfi14',
  // volatility
  'atr14', 'atrPct', 'bbUpper', 'bbMiddle', 'bbLower', 'bbPercentB', 'bbWidth', 'kcUpper', 'kcMiddle', 'kcLower', 'volatility20',
  // volume
  'obv', 'vwap20', 'volumeSma20', 'relVolume',
  // candle patterns (1 when the pattern is present on that day, else 0)
  'doji', 'hammer', 'bullishEngulfing', 'bearishEngulfing',
] as const;

export type FeatureName = (typeof FEATURES)[number];

/** Number of features: the width of a kernel output row. */
export const FEATURE_COUNT = FEATURES.length;

/** Position of each feature in a kernel output row. */
export const FEATURE_INDEX = Object.freeze(Object.fromEntries(FEATURES.map((f, i) => [f, i])) as Record<FeatureName, number>);

/** The column of a feature: `macdHist` → `macd_hist`, `plusDi14` → `plus_di14`. */
export function featureColumn(name: FeatureName): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Bars needed before the slowest feature (ROC 252) has a value. */
export const WARMUP_BARS = 253;
