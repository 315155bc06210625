/** Shadow paper portfolios: every (strategy, profile) that picks is traded on paper by the research core's
 * backtester, under the live rules (sizing, caps, exits, breakers, the paper fill model), buying exactly the
 * picks that strategy stored each day, from its first picks day to the last stored bar. Its record is out of
 * sample (each day's picks were made from the data before it) and after costs; /leaderboard compares them.
 * Recomputed whole each time from the stored picks and bars, so a rerun gives the same figures and nothing
 * is lost with a process. A replay defers the work to its end: the result is the same, since each run
 * recomputes everything, and a replayed day stays cheap. */
import type { BacktestService } from '../backtest/backtest.service.js';
import { UserError } from '../domain/errors.js';
import type { RiskProfile } from '../domain/types.js';
import type { ShadowPortfolio, Repositories } from '../ports/repositories.port.js';
import type { RiskLimits } from '../trading/risk-limits.js';

export class ShadowPortfolios {
  constructor(
    private readonly d: {
      repos: Pick<Repositories, 'picks' | 'shadows'>;
      backtest: Pick<BacktestService, 'load' | 'run'>;
      limits: () => Promise<RiskLimits>;
      /** The profile the live account trades (`trading.profile`). */
      tradingProfile: RiskProfile;
    },
  ) {}

  private deferred: { pending: boolean } | null = null;

  /** What the daily snapshot job calls: bring them up to date now, or note that a deferred run is due. */
  async afterDay(): Promise<{ shadows: number } | { shadows: 'deferred' }> {
    if (this.deferred) {
      this.deferred.pending = true;
      return { shadows: 'deferred' };
    }
    return { shadows: (await this.run()).length };
  }

  /** Run `work` (a replay) with the daily runs deferred, then bring them up to date once if any was due. */
  async deferDuring<T>(work: () => Promise<T>): Promise<T> {
    this.deferred = { pending: false };
    try {
      return await work();
    } finally {
      const due = this.deferred.pending;
      this.deferred = null;
      if (due) await this.run();
    }
  }

  /** Bring every shadow portfolio up to the last stored bar; returns them, best return first. */
  async run(): Promise<ShadowPortfolio[]> {
    const combos = await this.d.repos.picks.combinations();
    if (combos.length === 0) {
      await this.d.repos.shadows.replaceAll([]);
      return [];
    }
    const m = await this.d.backtest.load();
    const last = m.days.at(-1)!;
    const limits = await this.d.limits();
    const rows: ShadowPortfolio[] = [];
    for (const c of combos) {
      if (c.firstDay > last) continue; // picked for a day whose bars are not stored yet
      const byDay = await this.d.repos.picks.history(c.strategy, c.profile);
      let r: ReturnType<BacktestService['run']>;
      try {
        r = this.d.backtest.run(m, { from: c.firstDay, to: last, profile: c.profile, picks: { strategy: c.strategy, byDay } }, limits);
      } catch (err) {
        if (err instanceof UserError) continue; // no trading day with bars in its span yet
        throw err;
      }
      const end = r.run.days.at(-1);
      rows.push({
        strategy: c.strategy, profile: c.profile, traded: c.traded && c.profile === this.d.tradingProfile, firstDay: c.firstDay, asOf: end?.day ?? last, days: r.run.days.length,
        equity: end?.equity ?? r.run.startingCash, totalReturn: r.metrics.totalReturn, sharpe: r.metrics.sharpe, maxDrawdown: r.metrics.maxDrawdown,
        hitRate: r.metrics.winRate, trades: r.metrics.trades,
      });
    }
    rows.sort((a, b) => b.totalReturn - a.totalReturn || a.strategy.localeCompare(b.strategy) || a.profile.localeCompare(b.profile));
    await this.d.repos.shadows.replaceAll(rows);
    return rows;
  }
}
