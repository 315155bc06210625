/** Technical features of daily series: the names, the per-day row shape the picks read, and the
 * computation, which is the typed-array kernel in ./features (one pass, rolling state, no allocation per
 * bar). `technicalindicators` is the reference the kernel is tested against (test/helpers). */
import type { Candle, TradingDay } from '../domain/types.js';
import { FEATURES, type FeatureName } from './features/feature-list.js';
import { computeFeatures, toBarColumns, type FeatureSeries } from './features/feature-series.js';

export { FEATURES, FEATURE_COUNT, FEATURE_INDEX, featureColumn, WARMUP_BARS, type FeatureName } from './features/feature-list.js';
export { computeFeatures, featureValues, sliceBars, toBarColumns, type BarColumns, type FeatureSeries } from './features/feature-series.js';

/** Indicator values for one symbol and day; null until enough history exists. */
export type IndicatorRow = { symbol: string; day: TradingDay; close: number } & Record<FeatureName, number | null>;

/** The features of one symbol's days, as stored: typed columns plus the kernel state after the last day. */
export type IndicatorSeries = FeatureSeries;

/** Day i of a series as one object (NaN and infinities become null). */
export function rowOf(s: FeatureSeries, i: number): IndicatorRow {
  const n = s.days.length;
  const row = { symbol: s.symbol, day: s.days[i]!, close: s.close[i]! } as IndicatorRow;
  for (let f = 0; f < FEATURES.length; f++) {
    const v = s.values[f * n + i]!;
    row[FEATURES[f]!] = Number.isFinite(v) ? v : null;
  }
  return row;
}

/** Every feature for every bar of `candles` (oldest first, one symbol), one object per day. */
export function computeIndicators(candles: Candle[]): IndicatorRow[] {
  const s = computeFeatures(candles[0]?.symbol ?? '', toBarColumns(candles));
  return s.days.map((_, i) => rowOf(s, i));
}
