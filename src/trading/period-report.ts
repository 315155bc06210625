/** The daily and weekly reports: the period's performance, the account now, and the equity curve with its
 * drawdown for the chart (the last `points` end-of-day snapshots up to the period's end). */
import type { CurvePoint, PortfolioSnapshot, TradingDay } from '../domain/types.js';
import { addDays } from '../market/market-time.js';
import type { TradingRepository } from '../ports/repositories.port.js';
import { periodPerformance, type PeriodPerformance } from './performance.js';
import { weekStart } from './trade-cycle.js';

export type ReportPeriod = 'day' | 'week';

export type { CurvePoint } from '../domain/types.js';

export interface PeriodReport {
  period: ReportPeriod;
  performance: PeriodPerformance;
  cash: number;
  equity: number;
  openPositions: number;
  curve: CurvePoint[];
  /** The account's starting capital (the chart's reference line). */
  startingCash: number;
}

/** How many snapshots the chart of each report shows. */
export const CURVE_POINTS: Record<ReportPeriod, number> = { day: 30, week: 130 };

/** The chart's points: each snapshot's equity and its drawdown (stored with it, from the all-time peak). */
export function curveOf(snaps: readonly PortfolioSnapshot[]): CurvePoint[] {
  return snaps.map((s) => ({ day: s.day, equity: s.equity, drawdown: s.drawdown }));
}

export interface ReportInputs {
  trading: Pick<TradingRepository, 'snapshotBefore' | 'snapshots' | 'closedTrades' | 'positions'>;
  startingCash: number;
  periodsPerYear: number;
  /** The account now: equity and cash (valued at current prices). */
  now: { equity: number; cash: number };
  /** Daily returns of the equal-weight universe by day, for the chart's benchmark line. */
  benchmark?: (from: TradingDay, to: TradingDay) => Promise<Map<TradingDay, number>>;
}

/** The benchmark on the curve's scale: it starts at the first point's equity and moves by each day's return. */
export function withBenchmark(curve: CurvePoint[], returns: Map<TradingDay, number>): CurvePoint[] {
  let v = curve[0]?.equity ?? 0;
  return curve.map((p, i) => {
    if (i > 0) v *= 1 + (returns.get(p.day) ?? 0);
    return { ...p, benchmark: v };
  });
}

/** The report for the day `day`, or for its calendar week (Monday to `day`). */
export async function periodReport(period: ReportPeriod, day: TradingDay, r: ReportInputs): Promise<PeriodReport> {
  const from = period === 'day' ? day : weekStart(day);
  const [before, snaps, trades, positions, history] = await Promise.all([
    r.trading.snapshotBefore(from), r.trading.snapshots(from, day), r.trading.closedTrades(from, day), r.trading.positions(),
    r.trading.snapshots(addDays(day, -Math.ceil(CURVE_POINTS[period] * 1.5) - 7), day),
  ]);
  let curve = curveOf(history).slice(-CURVE_POINTS[period]);
  if (r.benchmark && curve.length > 1) curve = withBenchmark(curve, await r.benchmark(curve[0]!.day, curve.at(-1)!.day));
  return {
    period, cash: r.now.cash, equity: r.now.equity, openPositions: positions.length, startingCash: r.startingCash,
    performance: periodPerformance(from, day, before, snaps, trades, r.startingCash, r.now.equity, r.periodsPerYear),
    curve,
  };
}
