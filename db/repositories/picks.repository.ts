import { sql, type Kysely } from 'kysely';
import type { Pick, RiskProfile, TradingDay } from '../../src/domain/types.js';
import type { PickRepository } from '../../src/ports/repositories.port.js';
import type { Database } from '../schema.js';

export class PgPickRepository implements PickRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async replace(day: TradingDay, profile: RiskProfile, picks: Pick[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('picks').where('day', '=', day).where('profile', '=', profile).execute();
      if (picks.length === 0) return;
      await tx.insertInto('picks').values(picks.map((p) => ({
        day: p.day, profile: p.profile, symbol: p.symbol, rank: p.rank, score: p.score, confidence: p.confidence,
        entry: p.entry, target: p.target, stop_loss: p.stopLoss, model: p.model, rationale: p.rationale,
      }))).execute();
    });
  }

  async forDay(day: TradingDay, profile?: RiskProfile): Promise<Pick[]> {
    let q = this.db.selectFrom('picks').selectAll().where('day', '=', day);
    if (profile) q = q.where('profile', '=', profile);
    const rows = await q.orderBy('profile').orderBy('rank').execute();
    return rows.map((r) => ({
      day: r.day, profile: r.profile as RiskProfile, symbol: r.symbol, rank: r.rank, score: r.score, confidence: r.confidence,
      entry: r.entry, target: r.target, stopLoss: r.stop_loss, model: r.model, rationale: r.rationale,
    }));
  }

  async latestDay(): Promise<TradingDay | null> {
    const r = await this.db.selectFrom('picks').select(sql<string | null>`max(day)`.as('d')).executeTakeFirst();
    return r?.d ?? null;
  }
}
