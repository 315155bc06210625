/** Screening rules, point-in-time fundamentals, recommendations and risk scores on hand-computed cases. */
import { describe, expect, it } from 'vitest';
import type { IndicatorRow } from '../../src/market/indicators.js';
import { recommendationOf, riskScores } from '../../src/picks/pick-details.js';
import { FundamentalsTimeline, screenSymbol, type ScreeningConfig } from '../../src/picks/screening.js';

const OFF: ScreeningConfig = { minPrice: 0, minAvgVolume: 0, minAvgTurnover: 0, peMin: null, peMax: null, minRoe: null, maxDebtToEquity: null };
const row = (symbol: string, close: number, volumeSma20: number | null) => ({ symbol, close, volumeSma20 });
const f = (pe: number | null, roe: number | null = null, debtToEquity: number | null = null) => ({ asOf: '2017-01-03', pe, roe, debtToEquity, marketCap: null });

describe('screening', () => {
  it('stage 1: price, then average volume, then turnover (close × 20-day average volume), each with its figures', () => {
    const c = { ...OFF, minPrice: 5, minAvgVolume: 100_000, minAvgTurnover: 5_000_000 };
    expect(screenSymbol(row('A', 4.99, 1e6), null, c, 'USD')).toEqual({ symbol: 'A', stage: 'tradeability', rule: 'minPrice', reason: 'close 4.99 USD is below the minimum price 5.00 USD' });
    expect(screenSymbol(row('B', 20, 99_999), null, c, 'USD')).toMatchObject({ rule: 'minAvgVolume', reason: '20-day average volume 99,999 is below the minimum 100,000' });
    // 20 × 200,000 = 4,000,000 a day: under 5 M.
    expect(screenSymbol(row('C', 20, 200_000), null, c, 'USD')).toMatchObject({ rule: 'minAvgTurnover', reason: 'average turnover 4.00 M USD a day is below the minimum 5.00 M USD' });
    expect(screenSymbol(row('D', 25, 200_000), null, c, 'USD')).toBeNull();
    expect(screenSymbol(row('E', 25, null), null, c, 'USD')).toMatchObject({ rule: 'minAvgVolume', reason: expect.stringContaining('fewer than 20 days') });
    expect(screenSymbol(row('E', 25, null), null, OFF, 'USD')).toBeNull();
  });

  it('stage 2: the P/E band, ROE and debt/equity; a value the data lacks is not checked; rules left null are off', () => {
    const c = { ...OFF, peMin: 0, peMax: 40, minRoe: 0.08, maxDebtToEquity: 2 };
    expect(screenSymbol(row('AMZN', 995.95, 3e6), f(296.16), c, 'USD')).toEqual({
      symbol: 'AMZN', stage: 'fundamentals', rule: 'peMax', reason: 'P/E 296.16 (as of 2017-01-03) is above the band 0.00–40.00',
    });
    expect(screenSymbol(row('X', 10, 3e6), f(-3.5), c, 'USD')).toMatchObject({ rule: 'peMin', reason: 'P/E -3.50 (as of 2017-01-03) is below the band 0.00–40.00' });
    expect(screenSymbol(row('X', 10, 3e6), f(12, 0.05), c, 'USD')).toMatchObject({ rule: 'minRoe', reason: 'ROE 5.0 % (as of 2017-01-03) is below the minimum 8.0 %' });
    expect(screenSymbol(row('X', 10, 3e6), f(12, 0.2, 2.5), c, 'USD')).toMatchObject({ rule: 'maxDebtToEquity' });
    expect(screenSymbol(row('X', 10, 3e6), f(null, null, null), c, 'USD')).toBeNull();
    expect(screenSymbol(row('X', 10, 3e6), null, c, 'USD')).toBeNull();
    expect(screenSymbol(row('AMZN', 995.95, 3e6), f(296.16), OFF, 'USD')).toBeNull();
  });

  it('reads fundamentals as of the signal day: a value first stored later is not known yet', () => {
    const t = new FundamentalsTimeline([
      { symbol: 'A', asOf: '2017-03-01', pe: 30, roe: null, debtToEquity: null, marketCap: null },
      { symbol: 'A', asOf: '2017-01-02', pe: 10, roe: null, debtToEquity: null, marketCap: null },
      { symbol: 'A', asOf: '2017-02-01', pe: 20, roe: null, debtToEquity: null, marketCap: null },
    ]);
    expect(t.on('A', '2016-12-30')).toBeNull();
    expect(t.on('A', '2017-01-02')?.pe).toBe(10);
    expect(t.on('A', '2017-02-28')?.pe).toBe(20);
    expect(t.on('A', '2018-01-01')?.pe).toBe(30);
    expect(t.on('B', '2018-01-01')).toBeNull();
  });

  it('recommends by the configured thresholds and ranks risk by volatility among the day\'s symbols', () => {
    const t = { strongBuy: 0.9, buy: 0.7, hold: 0.4, sell: 0.2 };
    expect([1, 0.9, 0.89, 0.7, 0.5, 0.4, 0.3, 0.2, 0.19, 0].map((s) => recommendationOf(s, t))).toEqual([
      'strong buy', 'strong buy', 'buy', 'buy', 'hold', 'hold', 'sell', 'sell', 'strong sell', 'strong sell',
    ]);
    const rows = [
      { symbol: 'CALM', atrPct: 0.01, volatility20: 0.1 }, { symbol: 'MID', atrPct: 0.02, volatility20: 0.3 },
      { symbol: 'WILD', atrPct: 0.05, volatility20: 0.2 }, { symbol: 'NEW', atrPct: null, volatility20: null },
    ] as unknown as IndicatorRow[];
    // ATR % ranks CALM 0, MID 0.5, WILD 1; volatility ranks CALM 0, WILD 0.5, MID 1; unknown counts as 1.
    expect(Object.fromEntries(riskScores(rows))).toEqual({ CALM: 0, MID: 0.75, WILD: 0.75, NEW: 1 });
  });
});
