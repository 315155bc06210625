/** Performance over a period: P&L, win rate, profit factor, Sharpe ratio and maximum drawdown (from the
 * end-of-day snapshots), and the closed trades grouped by risk profile and by model, which is how each pick's
 * outcome is tracked (a trade keeps the profile, model and day of the pick that opened it). */
import { roundMoney } from '../domain/money.js';
import type { ClosedTrade, PortfolioSnapshot, TradingDay } from '../domain/types.js';

export interface TradeStats {
  trades: number;
  wins: number;
  /** null with no trades. */
  winRate: number | null;
  realizedPnl: number;
  /** Gross profit / gross loss; null when there was no losing trade. */
  profitFactor: number | null;
}

export interface PeriodPerformance extends TradeStats {
  from: TradingDay;
  to: TradingDay;
  startEquity: number;
  endEquity: number;
  pnl: number;
  returnPct: number;
  /** Annualised Sharpe ratio of daily returns (risk-free rate 0); null with fewer than 2 returns or no variance. */
  sharpe: number | null;
  /** Largest fall from a peak within the period, as a fraction. */
  maxDrawdown: number;
}

export function tradeStats(trades: readonly ClosedTrade[]): TradeStats {
  const wins = trades.filter((t) => t.pnl > 0);
  const grossWin = wins.reduce((s, t) => s + t.pnl, 0);
  const grossLoss = -trades.filter((t) => t.pnl < 0).reduce((s, t) => s + t.pnl, 0);
  return {
    trades: trades.length, wins: wins.length, winRate: trades.length ? wins.length / trades.length : null,
    realizedPnl: roundMoney(trades.reduce((s, t) => s + t.pnl, 0)), profitFactor: grossLoss > 0 ? grossWin / grossLoss : null,
  };
}

/** Sharpe ratio of a series of periodic returns, annualised with `periodsPerYear`. */
export function sharpeRatio(returns: readonly number[], periodsPerYear: number): number | null {
  if (returns.length < 2) return null;
  const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
  const variance = returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1);
  const sd = Math.sqrt(variance);
  return sd > 1e-12 ? (mean / sd) * Math.sqrt(periodsPerYear) : null;
}

/** The one definition of drawdown everywhere (reports, /performance, snapshots, backtests, shadow
 * portfolios): the fall of equity from its running peak, as a fraction of the peak (0 at a new peak). */
export function drawdownFromPeak(equity: number, peak: number): number {
  return peak > 0 && equity < peak ? 1 - equity / peak : 0;
}

/** Largest drawdown of an equity curve (its max drawdown), and the longest run of steps spent below a peak. */
export function drawdownStats(equity: readonly number[]): { max: number; longest: number } {
  let peak = -Infinity;
  let max = 0;
  let longest = 0;
  let since = 0;
  for (const e of equity) {
    if (e >= peak) {
      peak = e;
      since = 0;
    } else {
      since++;
      max = Math.max(max, drawdownFromPeak(e, peak));
    }
    longest = Math.max(longest, since);
  }
  return { max, longest };
}

/** Largest peak-to-trough fall of an equity curve, as a fraction. */
export function maxDrawdown(equity: readonly number[]): number {
  return drawdownStats(equity).max;
}

/**
 * Performance from `from` to `to`: the curve starts at the equity before `from` (the last earlier snapshot,
 * else `startingEquity`) and ends at `equityNow` when given (intraday), else at the last snapshot.
 */
export function periodPerformance(
  from: TradingDay, to: TradingDay, before: PortfolioSnapshot | null, snapshots: readonly PortfolioSnapshot[], trades: readonly ClosedTrade[],
  startingEquity: number, equityNow: number | null, periodsPerYear: number,
): PeriodPerformance {
  const startEquity = before?.equity ?? startingEquity;
  const curve = [startEquity, ...snapshots.map((s) => s.equity)];
  if (equityNow !== null && snapshots.at(-1)?.day !== to) curve.push(equityNow); // today has no end-of-day snapshot yet
  const returns = curve.slice(1).map((e, i) => (curve[i]! > 0 ? e / curve[i]! - 1 : 0));
  const endEquity = curve.at(-1)!;
  return {
    from, to, startEquity, endEquity, pnl: roundMoney(endEquity - startEquity), returnPct: startEquity > 0 ? endEquity / startEquity - 1 : 0,
    sharpe: sharpeRatio(returns, periodsPerYear), maxDrawdown: maxDrawdown(curve), ...tradeStats(trades),
  };
}

/** Closed trades grouped by a key (profile or model), with their stats. */
export function groupStats(trades: readonly ClosedTrade[], key: (t: ClosedTrade) => string | null): Array<{ key: string } & TradeStats> {
  const groups = new Map<string, ClosedTrade[]>();
  for (const t of trades) {
    const k = key(t) ?? 'manual';
    groups.set(k, [...(groups.get(k) ?? []), t]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, ts]) => ({ key: k, ...tradeStats(ts) }));
}
