/** Three classic rule strategies as daily scores over the research core's features, so they are evaluated,
 * gated, traded and backtested like the models. A symbol that does not qualify has no score (NaN); among
 * those that do, a higher score ranks first. Thresholds are the textbook ones, not fitted to any data.
 *
 * - `ma-crossover`: SMA 20 above SMA 50 and the close above SMA 20; score: how far SMA 20 is above SMA 50.
 * - `mean-reversion`: an oversold dip in a long uptrend: Bollinger %B under 0.2, RSI 14 under 40 and the
 *   close above SMA 200; score: the depth of the dip, (0.2 - %B) + (40 - RSI) / 100.
 * - `breakout`: a close above the upper Bollinger band on at least 1.5 × the 20-day average volume; score: the
 *   distance above the band times the relative volume. */
import type { MarketMatrix } from '../src/backtest/market-matrix.js';
import { FEATURE_COUNT, FEATURE_INDEX, type FeatureName } from '../src/market/indicators.js';

export const SIGNAL_RULES = ['ma-crossover', 'mean-reversion', 'breakout'] as const;
export type SignalRuleName = (typeof SIGNAL_RULES)[number];

/** A feature's value of the symbol and day being scored (NaN when it has none). */
export type FeatureOf = (f: FeatureName) => number;

const RULES: Record<SignalRuleName, (close: number, v: FeatureOf) => number> = {
  'ma-crossover': (close, v) => {
    const fast = v('sma20');
    const slow = v('sma50');
    return fast > slow && close > fast ? fast / slow - 1 : Number.NaN;
  },
  'mean-reversion': (close, v) => {
    const b = v('bbPercentB');
    const rsi = v('rsi14');
    return b < 0.2 && rsi < 40 && close > v('sma200') ? 0.2 - b + (40 - rsi) / 100 : Number.NaN;
  },
  breakout: (close, v) => {
    const upper = v('bbUpper');
    const rel = v('relVolume');
    return close > upper && rel >= 1.5 ? (close / upper - 1) * rel : Number.NaN;
  },
};

/** The rule's row in the training report and its kind in the model registry. */
export const signalRuleKind = (name: SignalRuleName): string => `rule-${name}`;

export function isSignalRule(name: string): name is SignalRuleName {
  return (SIGNAL_RULES as readonly string[]).includes(name);
}

/** The rule's score of one symbol on one day (NaN: it does not qualify). */
export function signalRuleScore(name: SignalRuleName, close: number, v: FeatureOf): number {
  return Number.isNaN(close) ? Number.NaN : RULES[name](close, v);
}

/** Scores of every (day, symbol), day-major. `unqualified` is what a symbol with a bar that does not qualify
 * scores: NaN for picks (never bought), -1 for the evaluation (ranked below every qualifier). */
export function signalRuleScores(m: MarketMatrix, name: SignalRuleName, unqualified = Number.NaN): Float64Array {
  const S = m.symbols.length;
  const F = FEATURE_COUNT;
  const out = new Float64Array(m.days.length * S).fill(Number.NaN);
  let base = 0;
  const v: FeatureOf = (f) => m.features[base + FEATURE_INDEX[f]]!;
  for (let at = 0; at < out.length; at++) {
    const close = m.close[at]!;
    if (Number.isNaN(close)) continue;
    base = at * F;
    const score = RULES[name](close, v);
    out[at] = Number.isNaN(score) ? unqualified : score;
  }
  return out;
}
