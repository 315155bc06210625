/** The three rule strategies on hand-computable feature values: who qualifies, with what score, and the
 * day-major scan over a matrix agreeing with the one-symbol function. */
import { describe, expect, it } from 'vitest';
import type { MarketMatrix } from '../../src/backtest/market-matrix.js';
import { FEATURE_COUNT, FEATURE_INDEX, type FeatureName } from '../../src/market/indicators.js';
import { signalRuleScore, signalRuleScores } from '../../models/signal-rules.js';

const values = (v: Partial<Record<FeatureName, number>>) => (f: FeatureName) => v[f] ?? Number.NaN;

describe('rule strategies', () => {
  it('ma-crossover: SMA 20 over SMA 50 with the close above SMA 20, scored by the gap', () => {
    expect(signalRuleScore('ma-crossover', 110, values({ sma20: 105, sma50: 100 }))).toBeCloseTo(0.05, 12);
    expect(signalRuleScore('ma-crossover', 104, values({ sma20: 105, sma50: 100 }))).toBeNaN(); // close under SMA 20
    expect(signalRuleScore('ma-crossover', 110, values({ sma20: 99, sma50: 100 }))).toBeNaN(); // no crossover
    expect(signalRuleScore('ma-crossover', 110, values({ sma20: 105 }))).toBeNaN(); // SMA 50 not known yet
  });

  it('mean-reversion: an oversold dip above SMA 200, scored by its depth', () => {
    expect(signalRuleScore('mean-reversion', 50, values({ bbPercentB: 0.05, rsi14: 30, sma200: 45 }))).toBeCloseTo(0.15 + 0.1, 12);
    expect(signalRuleScore('mean-reversion', 50, values({ bbPercentB: 0.05, rsi14: 30, sma200: 55 }))).toBeNaN(); // long trend broken
    expect(signalRuleScore('mean-reversion', 50, values({ bbPercentB: 0.25, rsi14: 30, sma200: 45 }))).toBeNaN();
    expect(signalRuleScore('mean-reversion', 50, values({ bbPercentB: 0.05, rsi14: 41, sma200: 45 }))).toBeNaN();
  });

  it('breakout: a close over the upper band on 1.5 × volume, scored by distance times volume', () => {
    expect(signalRuleScore('breakout', 102, values({ bbUpper: 100, relVolume: 2 }))).toBeCloseTo(0.04, 12);
    expect(signalRuleScore('breakout', 102, values({ bbUpper: 100, relVolume: 1.4 }))).toBeNaN();
    expect(signalRuleScore('breakout', 99, values({ bbUpper: 100, relVolume: 3 }))).toBeNaN();
    expect(signalRuleScore('breakout', Number.NaN, values({ bbUpper: 100, relVolume: 3 }))).toBeNaN();
  });

  it('scores a matrix day by day as the one-symbol function does; a bar that does not qualify scores `unqualified`', () => {
    const S = 2;
    const D = 2;
    const m = { days: ['2017-01-03', '2017-01-04'], symbols: ['A', 'B'], close: new Float64Array([102, 99, Number.NaN, 120]), features: new Float64Array(D * S * FEATURE_COUNT).fill(Number.NaN) } as unknown as MarketMatrix;
    const set = (at: number, f: FeatureName, v: number) => { m.features[at * FEATURE_COUNT + FEATURE_INDEX[f]] = v; };
    set(0, 'bbUpper', 100); set(0, 'relVolume', 2); // A on day 0: a breakout
    set(1, 'bbUpper', 100); set(1, 'relVolume', 2); // B on day 0: under the band
    set(3, 'bbUpper', 110); set(3, 'relVolume', 1.5); // B on day 1: a breakout
    expect(Array.from(signalRuleScores(m, 'breakout', -1)).map((x) => Math.round(x * 1e6) / 1e6)).toEqual([0.04, -1, Number.NaN, Math.round((120 / 110 - 1) * 1.5 * 1e6) / 1e6]);
    expect(signalRuleScores(m, 'breakout')[1]).toBeNaN();
  });
});
