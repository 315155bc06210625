/** Walk-forward optimisation: for each window, every point of a small parameter grid is backtested on the
 * training span only and the best (by Sharpe, then return) is traded on the following test span, which no
 * choice ever saw. In-sample and out-of-sample figures are reported side by side; the out-of-sample spans,
 * chained, are the honest estimate. Windows roll forward by the test length. */
import type { AppConfig } from '../config.js';
import { addDays } from '../market/market-time.js';
import type { RiskProfile, TradingDay } from '../domain/types.js';
import type { RiskLimits } from '../trading/risk-limits.js';
import type { BacktestService } from './backtest.service.js';
import type { MarketMatrix } from './market-matrix.js';

/** One point of the grid: the traded profile's ATR stop and target, and the time exit. */
export interface SweepPoint {
  stopAtr: number;
  targetAtr: number;
  maxHoldingDays: number;
}

export const DEFAULT_GRID: SweepPoint[] = [1.5, 2, 3].flatMap((stopAtr) => [2, 3, 4].flatMap((targetAtr) => [10, 20].map((maxHoldingDays) => ({ stopAtr, targetAtr, maxHoldingDays }))));

/** One window: the training and test spans, the point chosen, and its figures on each. */
export interface WalkForwardWindow {
  train: { from: TradingDay; to: TradingDay };
  test: { from: TradingDay; to: TradingDay };
  chosen: SweepPoint;
  inSample: { totalReturn: number; sharpe: number | null; maxDrawdown: number; trades: number };
  outOfSample: { totalReturn: number; sharpe: number | null; maxDrawdown: number; trades: number };
}

/** Every window, and the out-of-sample spans chained. */
export interface WalkForwardResult {
  windows: WalkForwardWindow[];
  /** Out-of-sample returns chained over every test span. */
  outOfSampleReturn: number;
  inSampleMeanReturn: number;
  points: number;
}

/** Apply a grid point to a copy of the config. */
export function withPoint(config: AppConfig, profile: RiskProfile, p: SweepPoint): AppConfig {
  return {
    ...config,
    picks: { ...config.picks, profiles: { ...config.picks.profiles, [profile]: { ...config.picks.profiles[profile], stopAtr: p.stopAtr, targetAtr: p.targetAtr } } },
    trading: { ...config.trading, exits: { ...config.trading.exits, maxHoldingDays: p.maxHoldingDays } },
  };
}

/** The period, profile, spans and grid of a walk-forward run. */
export interface WalkForwardOptions {
  from: TradingDay;
  to: TradingDay;
  profile?: string;
  trainMonths: number;
  testMonths: number;
  grid?: SweepPoint[];
  onProgress?: (done: number, total: number) => void;
  /** The breaker's volatility reading before each day when it is not the matrix's median ATR (an index). */
  volatilityBefore?: (day: TradingDay) => { value: number; asOf: TradingDay } | null;
  volatilityLabel?: string;
}

const addMonths = (day: TradingDay, months: number): TradingDay => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
};

/** Run the walk-forward over `m`; `service(config)` gives a backtest service for a config. */
export function walkForward(m: MarketMatrix, base: AppConfig, limits: RiskLimits, service: (c: AppConfig) => BacktestService, o: WalkForwardOptions): WalkForwardResult {
  const grid = o.grid ?? DEFAULT_GRID;
  const profile = (o.profile ?? base.trading.profile) as RiskProfile;
  const spans: Array<{ train: { from: TradingDay; to: TradingDay }; test: { from: TradingDay; to: TradingDay } }> = [];
  for (let start = o.from; ; start = addMonths(start, o.testMonths)) {
    const trainTo = addDays(addMonths(start, o.trainMonths), -1);
    const testFrom = addMonths(start, o.trainMonths);
    const testTo = addDays(addMonths(testFrom, o.testMonths), -1);
    if (testFrom > o.to) break;
    spans.push({ train: { from: start, to: trainTo }, test: { from: testFrom, to: testTo > o.to ? o.to : testTo } });
  }
  const total = spans.length * (grid.length + 1);
  let done = 0;
  const windows: WalkForwardWindow[] = [];
  for (const span of spans) {
    let best: { p: SweepPoint; sharpe: number; ret: number; dd: number; trades: number } | null = null;
    for (const p of grid) {
      const r = service(withPoint(base, profile, p)).run(m, { ...span.train, profile }, limits, undefined, o.volatilityBefore, o.volatilityLabel);
      const sharpe = r.metrics.sharpe ?? -Infinity;
      if (!best || sharpe > best.sharpe || (sharpe === best.sharpe && r.metrics.totalReturn > best.ret)) {
        best = { p, sharpe, ret: r.metrics.totalReturn, dd: r.metrics.maxDrawdown, trades: r.metrics.trades };
      }
      o.onProgress?.(++done, total);
    }
    const test = service(withPoint(base, profile, best!.p)).run(m, { ...span.test, profile }, limits, undefined, o.volatilityBefore, o.volatilityLabel);
    o.onProgress?.(++done, total);
    windows.push({
      ...span, chosen: best!.p,
      inSample: { totalReturn: best!.ret, sharpe: Number.isFinite(best!.sharpe) ? best!.sharpe : null, maxDrawdown: best!.dd, trades: best!.trades },
      outOfSample: { totalReturn: test.metrics.totalReturn, sharpe: test.metrics.sharpe, maxDrawdown: test.metrics.maxDrawdown, trades: test.metrics.trades },
    });
  }
  return {
    windows,
    outOfSampleReturn: windows.reduce((a, w) => a * (1 + w.outOfSample.totalReturn), 1) - 1,
    inSampleMeanReturn: windows.length ? windows.reduce((a, w) => a + w.inSample.totalReturn, 0) / windows.length : 0,
    points: grid.length,
  };
}
