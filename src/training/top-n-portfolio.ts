/** The walk-forward's top-N portfolios: a model's out-of-sample scores traded by the research core's
 * backtester under the live rules (sizing, caps, stops, targets, breakers, slippage and fees), bought at the
 * open after each decision day, from the day after a span's first decision day to the day after its last. */
import type { BacktestService } from '../backtest/backtest.service.js';
import type { MarketMatrix } from '../backtest/market-matrix.js';
import type { RiskProfile } from '../domain/types.js';
import type { RiskLimits } from '../trading/risk-limits.js';
import type { PortfolioFn } from '../../models/train-report.js';

export function topNPortfolio(backtest: BacktestService, m: MarketMatrix, profile: RiskProfile, limits: RiskLimits, perYear: number): PortfolioFn {
  return (model, values, from, to) => {
    if (from + 1 >= m.days.length) return null;
    const r = backtest.run(m, { from: m.days[from + 1]!, to: m.days[Math.min(to + 1, m.days.length - 1)]!, profile, scores: { model, values } }, limits);
    return {
      totalReturn: r.metrics.totalReturn, sharpe: r.metrics.sharpe, maxDrawdown: r.metrics.maxDrawdown, trades: r.metrics.trades,
      haltedOn: r.run.trips.find((t) => t.stage === 'hard')?.day ?? null,
      startEquity: r.run.startingCash, curve: r.run.days.map((d) => ({ day: d.day, equity: d.equity, exposure: d.exposure })), perYear,
    };
  };
}
