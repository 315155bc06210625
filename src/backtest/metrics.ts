/** Backtest performance figures, pure functions of the daily equity curve and the closed trades.
 * Conventions: daily simple returns of equity; annualised with the market's sessions a year (252, crypto 365);
 * Sharpe and Sortino with a zero risk-free rate, sample standard deviation (n − 1); drawdown from the running
 * peak of equity; alpha and beta by least squares of daily returns on the benchmark's (alpha annualised). */
import type { ClosedTrade } from '../domain/types.js';
import { drawdownStats } from '../trading/performance.js';

/** One end-of-day point of an equity curve. */
export interface EquityPoint {
  day: string;
  equity: number;
  exposure: number;
}

/** Every figure of a backtest (fractions for returns and drawdowns, money for trade figures). */
export interface BacktestMetrics {
  startEquity: number;
  endEquity: number;
  totalReturn: number;
  cagr: number;
  volatility: number;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  maxDrawdown: number;
  /** Longest stretch below a previous peak, in trading days (ongoing ones count to the end). */
  maxDrawdownDays: number;
  trades: number;
  winRate: number | null;
  profitFactor: number | null;
  expectancy: number | null;
  averageWin: number | null;
  averageLoss: number | null;
  bestTrade: number | null;
  worstTrade: number | null;
  longestWinStreak: number;
  longestLossStreak: number;
  /** Average share of equity invested at the close. */
  exposure: number;
  /** Traded value (buys and sells) over the average equity, annualised. */
  turnover: number;
  /** Fees and slippage paid, in money. */
  costs: number;
  benchmarkReturn: number | null;
  alpha: number | null;
  beta: number | null;
}

/** Daily simple returns of a series. */
export function dailyReturns(values: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < values.length; i++) out.push(values[i]! / values[i - 1]! - 1);
  return out;
}

function mean(x: readonly number[]): number {
  return x.length === 0 ? 0 : x.reduce((a, b) => a + b, 0) / x.length;
}

function sampleStd(x: readonly number[]): number {
  if (x.length < 2) return 0;
  const m = mean(x);
  return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1));
}

/** Largest fall from a running peak, and the longest time spent below a peak (in steps): the live reports'
 * definition (src/trading/performance.ts). */
export const drawdown = drawdownStats;

/** Longest runs of winning (pnl > 0) and losing (pnl <= 0) trades, in closing order. */
export function streaks(pnls: readonly number[]): { wins: number; losses: number } {
  let w = 0, l = 0, bw = 0, bl = 0;
  for (const p of pnls) {
    if (p > 0) {
      w++;
      l = 0;
    } else {
      l++;
      w = 0;
    }
    bw = Math.max(bw, w);
    bl = Math.max(bl, l);
  }
  return { wins: bw, losses: bl };
}

/** Least-squares beta and annualised alpha of returns `r` on benchmark returns `b` (same length). */
export function alphaBeta(r: readonly number[], b: readonly number[], perYear: number): { alpha: number; beta: number } | null {
  if (r.length < 2 || r.length !== b.length) return null;
  const mr = mean(r), mb = mean(b);
  let cov = 0, varB = 0;
  for (let i = 0; i < r.length; i++) {
    cov += (r[i]! - mr) * (b[i]! - mb);
    varB += (b[i]! - mb) ** 2;
  }
  if (varB === 0) return null;
  const beta = cov / varB;
  return { beta, alpha: (mr - beta * mb) * perYear };
}

/** What the metrics are computed from. */
export interface MetricInputs {
  curve: readonly EquityPoint[];
  /** Equity before the first day (the starting cash). */
  startEquity: number;
  trades: readonly ClosedTrade[];
  /** Traded notional of every fill, and what the fills cost (fees plus slippage against the reference price). */
  tradedValue: number;
  costs: number;
  /** The benchmark's value at the start and on each of the curve's days (one more value than the curve). */
  benchmark: readonly number[] | null;
  perYear: number;
}

export function computeMetrics(i: MetricInputs): BacktestMetrics {
  const equity = [i.startEquity, ...i.curve.map((p) => p.equity)];
  const r = dailyReturns(equity);
  const n = r.length;
  const end = equity.at(-1)!;
  const totalReturn = end / i.startEquity - 1;
  const years = n / i.perYear;
  const cagr = years > 0 && end > 0 ? (end / i.startEquity) ** (1 / years) - 1 : 0;
  const sd = sampleStd(r);
  const volatility = sd * Math.sqrt(i.perYear);
  const downside = Math.sqrt(r.reduce((a, x) => a + Math.min(0, x) ** 2, 0) / Math.max(1, n - 1));
  const dd = drawdown(equity);
  const pnls = i.trades.map((t) => t.pnl);
  const wins = pnls.filter((p) => p > 0);
  const losses = pnls.filter((p) => p <= 0);
  const grossWin = wins.reduce((a, b) => a + b, 0);
  const grossLoss = -losses.reduce((a, b) => a + b, 0);
  const st = streaks(pnls);
  const avgEquity = mean(equity);
  let benchmarkReturn: number | null = null;
  let ab: { alpha: number; beta: number } | null = null;
  if (i.benchmark && i.benchmark.length === i.curve.length + 1 && i.curve.length > 0) {
    benchmarkReturn = i.benchmark.at(-1)! / i.benchmark[0]! - 1;
    ab = alphaBeta(r, dailyReturns(i.benchmark), i.perYear);
  }
  return {
    startEquity: i.startEquity,
    endEquity: end,
    totalReturn,
    cagr,
    volatility,
    sharpe: sd > 0 ? (mean(r) / sd) * Math.sqrt(i.perYear) : null,
    sortino: downside > 0 ? (mean(r) / downside) * Math.sqrt(i.perYear) : null,
    calmar: dd.max > 0 ? cagr / dd.max : null,
    maxDrawdown: dd.max,
    maxDrawdownDays: dd.longest,
    trades: pnls.length,
    winRate: pnls.length > 0 ? wins.length / pnls.length : null,
    profitFactor: grossLoss > 0 ? grossWin / grossLoss : null,
    expectancy: pnls.length > 0 ? mean(pnls) : null,
    averageWin: wins.length > 0 ? grossWin / wins.length : null,
    averageLoss: losses.length > 0 ? -grossLoss / losses.length : null,
    bestTrade: pnls.length > 0 ? Math.max(...pnls) : null,
    worstTrade: pnls.length > 0 ? Math.min(...pnls) : null,
    longestWinStreak: st.wins,
    longestLossStreak: st.losses,
    exposure: i.curve.length > 0 ? mean(i.curve.map((p) => (p.equity > 0 ? p.exposure / p.equity : 0))) : 0,
    turnover: avgEquity > 0 && years > 0 ? i.tradedValue / avgEquity / years : 0,
    costs: i.costs,
    benchmarkReturn,
    alpha: ab?.alpha ?? null,
    beta: ab?.beta ?? null,
  };
}
