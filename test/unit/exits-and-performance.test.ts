import { describe, expect, it } from 'vitest';
import type { Candle, ClosedTrade, Pick, Position } from '../../src/domain/types.js';
import { exitOnBar, initialLevels, trailAfter, type ExitRules } from '../../src/trading/exits.js';
import { maxDrawdown, periodPerformance, sharpeRatio, tradeStats } from '../../src/trading/performance.js';
import { parseRiskValue } from '../../src/trading/risk-limits.js';
import { strongSellSignal } from '../../src/picks/momentum.strategy.js';

const rules: ExitRules = { stops: 'atr', fixedStopPct: 0.05, fixedTargetPct: 0.1, trailingActivationPct: 0.05, trailingPct: 0.03, maxHoldingDays: 10, sellSignal: true };
const pos: Position = { symbol: 'AAA', qty: 10, avgPrice: 100, stopLoss: 95, target: 115, openedDay: '2017-03-01', profile: 'conservative', highWater: 100, model: 'm' };
const bar = (open: number, high: number, low: number, close: number): Candle => ({ symbol: 'AAA', day: '2017-03-02', open, high, low, close, volume: 1e6 });

describe('exit rules', () => {
  it('sets ATR levels from the pick\'s distances and fixed levels from percentages', () => {
    const pick = { entry: 50, stopLoss: 46, target: 56 } as Pick;
    expect(initialLevels(51, pick, rules)).toEqual({ stopLoss: 47, target: 57 });
    expect(initialLevels(51, pick, { ...rules, stops: 'fixed' })).toEqual({ stopLoss: 48.45, target: 56.1 });
    expect(initialLevels(51, null, rules)).toEqual({ stopLoss: 48.45, target: 56.1 });
  });

  it('trails the stop 3 % under the high once the high is 5 % above entry, and never lowers it', () => {
    expect(trailAfter(pos, bar(100, 104, 99, 103), rules)).toEqual({ highWater: 104, stopLoss: 95, raised: false });
    expect(trailAfter(pos, bar(100, 110, 99, 108), rules)).toEqual({ highWater: 110, stopLoss: 106.7, raised: true });
    const raised = { ...pos, highWater: 110, stopLoss: 106.7 };
    expect(trailAfter(raised, bar(107, 108, 107, 107.5), rules)).toEqual({ highWater: 110, stopLoss: 106.7, raised: false });
    expect(trailAfter(pos, bar(100, 110, 99, 108), { ...rules, trailingPct: 0 })).toEqual({ highWater: 110, stopLoss: 95, raised: false });
  });

  it('checks the stop before the target, then the time limit', () => {
    expect(exitOnBar(pos, bar(100, 120, 94, 100), 1, false, rules)).toEqual({ reason: 'stop', type: 'stop', price: 95 });
    expect(exitOnBar(pos, bar(100, 120, 94, 100), 1, true, rules)).toEqual({ reason: 'trailing_stop', type: 'stop', price: 95 });
    expect(exitOnBar(pos, bar(100, 116, 99, 100), 1, false, rules)).toEqual({ reason: 'target', type: 'limit', price: 115 });
    expect(exitOnBar(pos, bar(100, 101, 99, 100), 9, false, rules)).toBeNull();
    expect(exitOnBar(pos, bar(100, 101, 99, 100), 10, false, rules)).toEqual({ reason: 'time_exit', type: 'market', price: null });
    expect(exitOnBar(pos, bar(100, 101, 99, 100), 50, false, { ...rules, maxHoldingDays: 0 })).toBeNull();
  });
});

describe('performance', () => {
  const t = (pnl: number) => ({ pnl } as ClosedTrade);
  it('computes win rate and profit factor', () => {
    expect(tradeStats([t(300), t(-100), t(200), t(-50)])).toEqual({ trades: 4, wins: 2, winRate: 0.5, realizedPnl: 350, profitFactor: 500 / 150 });
    expect(tradeStats([t(10)]).profitFactor).toBeNull();
    expect(tradeStats([]).winRate).toBeNull();
  });

  it('computes a Sharpe ratio and the maximum drawdown of a curve', () => {
    // returns 1 %, -1 %, 1 %, -1 %: mean 0 → Sharpe 0
    expect(sharpeRatio([0.01, -0.01, 0.01, -0.01], 252)).toBe(0);
    // mean 0.002, sample sd 0.001 (values 0.001, 0.002, 0.003) → 2 × sqrt(252)
    expect(sharpeRatio([0.001, 0.002, 0.003], 252)).toBeCloseTo(2 * Math.sqrt(252), 9);
    expect(sharpeRatio([0.01], 252)).toBeNull();
    expect(maxDrawdown([100, 120, 90, 130, 117])).toBeCloseTo(0.25, 12);
  });

  it('measures a period from the equity before it to the equity now', () => {
    const snaps = [{ day: '2017-03-02', equity: 102_000 }, { day: '2017-03-03', equity: 99_960 }].map((s) => ({ ...s, cash: 0, exposure: 0, realizedPnl: 0, unrealizedPnl: 0, drawdown: 0 }));
    const p = periodPerformance('2017-03-02', '2017-03-06', null, snaps, [t(-40)], 100_000, 101_000, 252);
    expect(p).toMatchObject({ startEquity: 100_000, endEquity: 101_000, pnl: 1_000, trades: 1, winRate: 0 });
    expect(p.maxDrawdown).toBeCloseTo(0.02, 12); // 102,000 → 99,960
  });
});

describe('risk values from chat', () => {
  it('accepts fractions and percentages, whole numbers for counts, and names the problem otherwise', () => {
    expect(parseRiskValue('daily_loss_soft', '2%')).toBe(0.02);
    expect(parseRiskValue('daily_loss_soft', '0.025')).toBe(0.025);
    expect(parseRiskValue('loss_streak_soft', '5')).toBe(5);
    expect(() => parseRiskValue('loss_streak_soft', '2.5')).toThrow(/whole number/);
    expect(() => parseRiskValue('daily_loss_soft', 'abc')).toThrow(/not a number/);
    expect(() => parseRiskValue('daily_loss_soft', '150%')).toThrow(/outside/);
    expect(() => parseRiskValue('no_such_key', '1')).toThrow(/unknown risk key/);
    expect(() => parseRiskValue('cooldown_minutes', '5%')).toThrow(/plain number/);
  });
});

describe('strong sell signal', () => {
  const row = (over: Record<string, number | null>) => ({ symbol: 'AAA', day: '2017-03-01', close: 95, sma50: 100, macd: -1, macdSignal: 0, rsi14: 35, ...over }) as never;
  it('needs the close under SMA 50, MACD under its signal and RSI 14 under 40, all three', () => {
    expect(strongSellSignal(row({}))).toBe(true);
    expect(strongSellSignal(row({ close: 101 }))).toBe(false);
    expect(strongSellSignal(row({ macd: 1 }))).toBe(false);
    expect(strongSellSignal(row({ rsi14: 45 }))).toBe(false);
    expect(strongSellSignal(row({ sma50: null }))).toBe(false);
  });
});
