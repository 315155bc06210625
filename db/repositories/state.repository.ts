/** Trading state with its history, and circuit-breaker trips with their clearances. */
import type { Kysely } from 'kysely';
import type { BreakerClearance, BreakerName, BreakerStage, BreakerTrip, TradingState, TradingStatus } from '../../src/domain/types.js';
import type { StateRepository } from '../../src/ports/repositories.port.js';
import type { Database } from '../schema.js';

export class PgStateRepository implements StateRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(): Promise<TradingState | null> {
    const r = await this.db.selectFrom('trading_state').selectAll().where('id', '=', 1).executeTakeFirst();
    return r ? { status: r.status as TradingStatus, reason: r.reason, changedBy: r.changed_by, changedAt: r.changed_at } : null;
  }

  async set(s: TradingState & { changedAt: Date }): Promise<void> {
    const row = { status: s.status, reason: s.reason, changed_by: s.changedBy, changed_at: s.changedAt };
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('trading_state').values({ id: 1, ...row }).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
      await tx.insertInto('trading_state_history').values(row).execute();
    });
  }

  async recordTrip(t: BreakerTrip, action: string): Promise<void> {
    const row = { stage: t.stage, value: t.value, limit_value: t.limit, tripped_day: t.day, tripped_at: t.at };
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('breaker_state').values({ name: t.name, ...row }).onConflict((oc) => oc.column('name').doUpdateSet(row)).execute();
      await tx.insertInto('breaker_events').values({ name: t.name, day: t.day, value: t.value, limit_value: t.limit, action, stage: t.stage, at: t.at }).execute();
    });
  }

  async trippedBreakers(): Promise<BreakerTrip[]> {
    const rows = await this.db.selectFrom('breaker_state').selectAll().where('stage', 'is not', null).orderBy('tripped_at').execute();
    return rows.map((r) => ({
      name: r.name as BreakerName, stage: r.stage as BreakerStage, value: r.value ?? 0, limit: r.limit_value ?? 0, day: r.tripped_day ?? '', at: r.tripped_at ?? new Date(0),
    }));
  }

  async clearBreaker(c: BreakerClearance): Promise<void> {
    const row = { stage: null, cleared_at: c.at, cleared_day: c.day, cleared_by: c.by, cleared_equity: c.equity };
    await this.db.insertInto('breaker_state').values({ name: c.name, ...row }).onConflict((oc) => oc.column('name').doUpdateSet(row)).execute();
  }

  async clearances(): Promise<Map<BreakerName, BreakerClearance>> {
    const rows = await this.db.selectFrom('breaker_state').selectAll().where('cleared_at', 'is not', null).execute();
    return new Map(rows.map((r) => [r.name as BreakerName, {
      name: r.name as BreakerName, at: r.cleared_at!, day: r.cleared_day!, by: r.cleared_by ?? '', equity: r.cleared_equity ?? 0,
    }]));
  }

  async lastBreaker() {
    const r = await this.db.selectFrom('breaker_events').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
    return r ? { name: r.name as BreakerName, stage: r.stage, day: r.day, value: r.value, limit: r.limit_value, at: r.at } : null;
  }
}
