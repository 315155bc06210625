/** Screening exclusions in PostgreSQL: one row per excluded symbol and picks day. */
import type { Kysely } from 'kysely';
import type { TradingDay } from '../../src/domain/types.js';
import type { Exclusion } from '../../src/picks/screening.js';
import type { ScreeningRepository } from '../../src/ports/repositories.port.js';
import type { Database } from '../schema.js';

export class PgScreeningRepository implements ScreeningRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async replaceDay(day: TradingDay, excluded: Exclusion[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('screening').where('day', '=', day).execute();
      for (let i = 0; i < excluded.length; i += 1000) {
        await tx.insertInto('screening').values(excluded.slice(i, i + 1000).map((x) => ({ day, symbol: x.symbol, stage: x.stage, rule: x.rule, reason: x.reason }))).execute();
      }
    });
  }

  async of(day: TradingDay, symbol: string): Promise<Exclusion | null> {
    const r = await this.db.selectFrom('screening').selectAll().where('day', '=', day).where('symbol', '=', symbol).executeTakeFirst();
    return r ? { symbol: r.symbol, stage: r.stage as Exclusion['stage'], rule: r.rule as Exclusion['rule'], reason: r.reason } : null;
  }
}
