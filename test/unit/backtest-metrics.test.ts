/** Backtest metrics against values computed by hand on small series. */
import { describe, expect, it } from 'vitest';
import type { ClosedTrade } from '../../src/domain/types.js';
import { alphaBeta, computeMetrics, dailyReturns, drawdown, streaks } from '../../src/backtest/metrics.js';

const trade = (pnl: number): ClosedTrade => ({
  symbol: 'T', qty: 1, entryPrice: 100, exitPrice: 100 + pnl, pnl, reason: 'target', openedDay: '2017-01-03', closedDay: '2017-01-04',
  profile: 'conservative', model: 'm', closedAt: new Date('2017-01-04T21:00:00Z'),
});

describe('backtest metrics', () => {
  it('drawdown: the largest fall from a running peak and the longest stretch under one', () => {
    // peak 120, trough 90: 25 %; under water from 110 (index 2) through 115 (index 5): 4 steps
    expect(drawdown([100, 120, 110, 90, 100, 115, 121])).toEqual({ max: 0.25, longest: 4 });
    expect(drawdown([1, 2, 3])).toEqual({ max: 0, longest: 0 });
  });

  it('streaks count wins (pnl > 0) and losses (pnl <= 0) in closing order', () => {
    expect(streaks([5, 3, -1, 0, -2, 4, 1, 1, 1])).toEqual({ wins: 4, losses: 3 });
  });

  it('alpha and beta by least squares', () => {
    // r = 0.001 + 2 b exactly: beta 2, alpha 0.001 a day = 0.252 a year
    const b = [0.01, -0.02, 0.005, 0.03];
    const r = b.map((x) => 0.001 + 2 * x);
    const ab = alphaBeta(r, b, 252)!;
    expect(ab.beta).toBeCloseTo(2, 12);
    expect(ab.alpha).toBeCloseTo(0.252, 12);
    expect(alphaBeta([0.1, 0.2], [0.01, 0.01], 252)).toBeNull(); // a flat benchmark has no beta
  });

  it('every figure on a four-day curve and five trades', () => {
    const curve = [
      { day: '2017-01-03', equity: 110, exposure: 55 },
      { day: '2017-01-04', equity: 99, exposure: 0 },
      { day: '2017-01-05', equity: 99, exposure: 0 },
      { day: '2017-01-06', equity: 121, exposure: 121 },
    ];
    const m = computeMetrics({
      curve, startEquity: 100, trades: [10, -5, 20, -10, 0].map(trade), tradedValue: 400, costs: 3,
      benchmark: [100, 101, 102, 103, 104], perYear: 4,
    });
    // returns: +10 %, -10 %, 0 %, +22.2222 %
    const r = [0.1, -0.1, 0, 22 / 99];
    expect(dailyReturns([100, 110, 99, 99, 121])).toEqual(r.map((x) => expect.closeTo(x, 12)));
    const mean = r.reduce((a, b) => a + b) / 4;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / 3);
    expect(m.totalReturn).toBeCloseTo(0.21, 12);
    expect(m.cagr).toBeCloseTo(0.21, 12); // four days at four a year: one year
    expect(m.volatility).toBeCloseTo(sd * 2, 12);
    expect(m.sharpe!).toBeCloseTo((mean / sd) * 2, 12);
    expect(m.sortino!).toBeCloseTo((mean / Math.sqrt(0.01 / 3)) * 2, 12); // one negative day, -10 %
    expect(m.maxDrawdown).toBeCloseTo(0.1, 12); // 110 -> 99
    expect(m.maxDrawdownDays).toBe(2);
    expect(m.calmar!).toBeCloseTo(0.21 / 0.1, 12);
    expect(m.trades).toBe(5);
    expect(m.winRate).toBeCloseTo(0.4, 12);
    expect(m.profitFactor!).toBeCloseTo(30 / 15, 12);
    expect(m.expectancy!).toBeCloseTo(3, 12);
    expect(m.averageWin!).toBeCloseTo(15, 12);
    expect(m.averageLoss!).toBeCloseTo(-5, 12); // losses include the 0 trade: (-5 - 10 + 0) / 3
    expect([m.bestTrade, m.worstTrade]).toEqual([20, -10]);
    expect([m.longestWinStreak, m.longestLossStreak]).toEqual([1, 2]);
    expect(m.exposure).toBeCloseTo((0.5 + 0 + 0 + 1) / 4, 12);
    expect(m.turnover).toBeCloseTo(400 / ((100 + 110 + 99 + 99 + 121) / 5), 12);
    expect(m.costs).toBe(3);
    expect(m.benchmarkReturn).toBeCloseTo(0.04, 12);
    expect(m.beta).not.toBeNull();
  });

  it('no trades and a flat curve give empty figures, not NaN', () => {
    const m = computeMetrics({ curve: [{ day: 'd', equity: 100, exposure: 0 }, { day: 'e', equity: 100, exposure: 0 }], startEquity: 100, trades: [], tradedValue: 0, costs: 0, benchmark: null, perYear: 252 });
    expect([m.sharpe, m.sortino, m.calmar, m.winRate, m.profitFactor, m.expectancy, m.alpha, m.beta]).toEqual([null, null, null, null, null, null, null, null]);
    expect([m.totalReturn, m.maxDrawdown, m.trades]).toEqual([0, 0, 0]);
  });
});
