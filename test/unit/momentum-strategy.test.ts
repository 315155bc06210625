import { describe, expect, it } from 'vitest';
import type { Instrument } from '../../src/domain/types.js';
import { FEATURES, type IndicatorRow } from '../../src/market/indicators.js';
import { rankPicks } from '../../src/picks/momentum.strategy.js';
import { topScorePicks } from '../../src/picks/score-picks.js';

const profile = { topN: 2, minMarketCap: 1e9, maxAtrPct: 0.05, rsiMin: 40, rsiMax: 75, requireLongTrend: true, stopAtr: 2, targetAtr: 3, stopPct: null, targetPct: null };

function row(symbol: string, over: Partial<IndicatorRow> = {}): IndicatorRow {
  const base = Object.fromEntries(FEATURES.map((f) => [f, null])) as Record<(typeof FEATURES)[number], number | null>;
  return {
    ...base, symbol, day: '2017-01-03', close: 100, rsi14: 60, macd: 1, macdSignal: 0.5, macdHist: 0.5, sma20: 98, sma50: 95, sma200: 90,
    ema12: 99, ema26: 97, atr14: 2, bbUpper: 105, bbMiddle: 98, bbLower: 91, roc20: 0.03, roc63: 0.1, ...over,
  };
}
const inst = (symbol: string, marketCap: number | null): Instrument => ({ symbol, name: symbol, sector: null, marketCap });

const instruments = new Map(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((s) => [s, inst(s, s === 'H' ? null : 5e9)]));

describe('momentum + trend picks', () => {
  it('filters by trend, momentum, RSI band, volatility and market cap', () => {
    const rows = [
      row('A'),
      row('B', { close: 94 }), // below SMA50
      row('C', { sma50: 89 }), // SMA50 below SMA200: no long trend
      row('D', { roc63: -0.01 }),
      row('E', { rsi14: 80 }),
      row('F', { atr14: 6 }), // 6 % of price
      row('G', { macdHist: -0.1 }),
      row('H'), // unknown market cap with a floor set
    ];
    const picks = rankPicks('2017-01-04', 'conservative', rows, instruments, profile);
    expect(picks.map((p) => p.symbol)).toEqual(['A']);
    expect(picks[0]).toMatchObject({ day: '2017-01-04', rank: 1, entry: 100, stopLoss: 96, target: 106, profile: 'conservative' });
    // Percentages of the entry instead of ATR multiples, when the profile sets them.
    const pct = rankPicks('2017-01-04', 'conservative', [row('A', { close: 80, sma20: 78, sma50: 76, sma200: 72 })], instruments, { ...profile, stopPct: 0.05, targetPct: 0.125 });
    expect(pct[0]).toMatchObject({ entry: 80, stopLoss: 76, target: 90 });
  });

  it('ranks by the momentum composite and keeps the top N', () => {
    const rows = [row('A', { roc63: 0.05, roc20: 0.01 }), row('B', { roc63: 0.3, roc20: 0.08, macdHist: 0.9 }), row('C', { roc63: 0.2, roc20: 0.05 })];
    const picks = rankPicks('2017-01-04', 'aggressive', rows, instruments, { ...profile, requireLongTrend: false, minMarketCap: 0 });
    expect(picks.map((p) => [p.symbol, p.rank])).toEqual([['B', 1], ['C', 2]]);
    expect(picks[0]!.confidence).toBe(1);
    expect(picks[0]!.rationale).toContain('63-day return +30.0 %');
  });
});

describe('top score picks (baseline, rules, models)', () => {
  it('take the best scores among what the profile allows: ATR within its cap, market cap at its floor', () => {
    const rows = [row('A', { atr14: 2 }), row('B', { atr14: 6 }), row('C', { atr14: 1 }), row('D', { atr14: 1.5 }), row('H', { atr14: 1 })];
    const score: Record<string, number> = { A: 0.5, B: 0.9, C: 0.1, D: 0.3, H: 0.8 };
    const cap = (s: string) => instruments.get(s)?.marketCap ?? null;
    // B: ATR 6 % over the 5 % cap; H: no market cap under a 1e9 floor.
    const picks = topScorePicks('2017-01-04', 'conservative', rows, (s) => score[s]!, profile, 'm', cap);
    expect(picks.map((p) => [p.symbol, p.rank, p.score])).toEqual([['A', 1, 1], ['D', 2, 0.5]]);
    expect(picks[0]!.rationale).toBe('m: score ranked 1 of 3 the conservative profile allows on the signal day.');
    // Without a floor and with a wider cap, everything with a score is a candidate.
    const loose = topScorePicks('2017-01-04', 'aggressive', rows, (s) => score[s]!, { ...profile, maxAtrPct: 0.1, minMarketCap: 0 }, 'm', cap);
    expect(loose.map((p) => p.symbol)).toEqual(['B', 'H']);
  });
});
