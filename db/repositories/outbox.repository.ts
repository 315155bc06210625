/** The alert outbox: one row per event (unique dedupe key), one delivery row per target chat. */
import { sql, type Kysely } from 'kysely';
import type { BotEvent } from '../../src/domain/types.js';
import type { DeliveryTarget, OutboxRepository, PendingDelivery } from '../../src/ports/repositories.port.js';
import type { Database } from '../schema.js';

export class PgOutboxRepository implements OutboxRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async enqueue(event: BotEvent, dedupeKey: string, targets: readonly DeliveryTarget[]): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx.insertInto('alert_outbox').values({ dedupe_key: dedupeKey, type: event.type, payload: JSON.stringify(event) })
        .onConflict((oc) => oc.column('dedupe_key').doNothing()).returning('id').executeTakeFirst();
      if (!row) return false;
      if (targets.length > 0) {
        await tx.insertInto('alert_deliveries')
          .values(targets.map((t) => ({ outbox_id: row.id, transport: t.transport, chat_id: t.chatId, status: 'pending', attempts: 0, silent: t.silent ?? false })))
          .execute();
      }
      return true;
    });
  }

  async due(now: Date, limit: number, transport?: string, staleAfterMs = 30_000): Promise<PendingDelivery[]> {
    const stale = new Date(now.getTime() - staleAfterMs);
    // The oldest undelivered delivery of each chat (later alerts of a chat wait for earlier ones), if it is due
    // and not claimed (or its claim is stale), claimed in the same statement: the row lock makes a second
    // process skip it.
    const rows = await sql<{ id: number; transport: string; chat_id: string; attempts: number; silent: boolean; payload: BotEvent }>`
      with first as (
        select distinct on (transport, chat_id) id, status, claimed_at, next_attempt_at
        from alert_deliveries where status in ('pending', 'sending') ${transport === undefined ? sql`` : sql`and transport = ${transport}`}
        order by transport, chat_id, id),
      ready as (
        select d.id from alert_deliveries d join first f on f.id = d.id
        where f.next_attempt_at <= ${now} and (f.status = 'pending' or f.claimed_at < ${stale})
        order by d.id limit ${limit}
        for update of d skip locked),
      claimed as (
        update alert_deliveries d set status = 'sending', claimed_at = ${now}
        from ready r where d.id = r.id
        returning d.id, d.transport, d.chat_id, d.attempts, d.silent, d.outbox_id)
      select c.id, c.transport, c.chat_id, c.attempts, c.silent, o.payload from claimed c join alert_outbox o on o.id = c.outbox_id order by c.id`.execute(this.db);
    return rows.rows.map((r) => ({ id: r.id, transport: r.transport, chatId: r.chat_id, attempts: r.attempts, silent: r.silent, event: r.payload }));
  }

  async markDelivered(id: number, at: Date): Promise<void> {
    await this.db.updateTable('alert_deliveries').set((eb) => ({ status: 'delivered', delivered_at: at, attempts: eb('attempts', '+', 1) })).where('id', '=', id).where('status', '<>', 'delivered').execute();
  }

  async markFailed(id: number, error: string, nextAttemptAt: Date | null): Promise<void> {
    await this.db.updateTable('alert_deliveries')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 500), status: nextAttemptAt ? 'pending' : 'failed', ...(nextAttemptAt ? { next_attempt_at: nextAttemptAt } : {}) }))
      .where('id', '=', id).execute();
  }

  async countPending(): Promise<number> {
    const r = await this.db.selectFrom('alert_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('status', 'in', ['pending', 'sending']).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
