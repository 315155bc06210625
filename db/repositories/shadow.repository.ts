import type { Kysely } from 'kysely';
import type { RiskProfile } from '../../src/domain/types.js';
import type { ShadowPortfolio, ShadowRepository } from '../../src/ports/repositories.port.js';
import type { Database } from '../schema.js';

export class PgShadowRepository implements ShadowRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async replaceAll(rows: ShadowPortfolio[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('shadow_portfolios').execute();
      if (rows.length === 0) return;
      await tx.insertInto('shadow_portfolios').values(rows.map((r) => ({
        strategy: r.strategy, profile: r.profile, traded: r.traded, first_day: r.firstDay, as_of: r.asOf, days: r.days, equity: r.equity,
        total_return: r.totalReturn, sharpe: r.sharpe, max_drawdown: r.maxDrawdown, hit_rate: r.hitRate, trades: r.trades,
      }))).execute();
    });
  }

  async list(): Promise<ShadowPortfolio[]> {
    const rows = await this.db.selectFrom('shadow_portfolios').selectAll().orderBy('total_return', 'desc').orderBy('strategy').orderBy('profile').execute();
    return rows.map((r) => ({
      strategy: r.strategy, profile: r.profile as RiskProfile, traded: r.traded, firstDay: r.first_day, asOf: r.as_of, days: r.days, equity: r.equity,
      totalReturn: r.total_return, sharpe: r.sharpe, maxDrawdown: r.max_drawdown, hitRate: r.hit_rate, trades: r.trades,
    }));
  }
}
