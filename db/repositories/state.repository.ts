import type { Kysely } from 'kysely';
import type { BreakerName, TradingDay, TradingState, TradingStatus } from '../../src/domain/types.js';
import type { StateRepository } from '../../src/ports/repositories.port.js';
import type { Database } from '../schema.js';

export class PgStateRepository implements StateRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(): Promise<TradingState | null> {
    const r = await this.db.selectFrom('trading_state').selectAll().where('id', '=', 1).executeTakeFirst();
    return r ? { status: r.status as TradingStatus, reason: r.reason, changedBy: r.changed_by, changedAt: r.changed_at } : null;
  }

  async set(s: TradingState): Promise<void> {
    const row = { status: s.status, reason: s.reason, changed_by: s.changedBy, changed_at: s.changedAt };
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('trading_state').values({ id: 1, ...row }).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
      await tx.insertInto('trading_state_history').values(row).execute();
    });
  }

  async recordBreaker(name: BreakerName, day: TradingDay, value: number, limit: number, action: string): Promise<void> {
    await this.db.insertInto('breaker_events').values({ name, day, value, limit_value: limit, action }).execute();
  }

  async lastBreaker() {
    const r = await this.db.selectFrom('breaker_events').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
    return r ? { name: r.name as BreakerName, day: r.day, value: r.value, limit: r.limit_value, at: r.at } : null;
  }
}
