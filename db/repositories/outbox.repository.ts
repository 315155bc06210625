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

  async due(now: Date, limit: number, transport?: string): Promise<PendingDelivery[]> {
    // The oldest pending delivery of each chat, if it is due: later alerts of a chat wait for earlier ones.
    const rows = await sql<{ id: number; transport: string; chat_id: string; attempts: number; silent: boolean; payload: BotEvent }>`
      select d.id, d.transport, d.chat_id, d.attempts, d.silent, o.payload
      from (select distinct on (transport, chat_id) id, transport, chat_id, attempts, silent, outbox_id, next_attempt_at
            from alert_deliveries where status = 'pending' ${transport === undefined ? sql`` : sql`and transport = ${transport}`}
            order by transport, chat_id, id) d
      join alert_outbox o on o.id = d.outbox_id
      where d.next_attempt_at <= ${now}
      order by d.id limit ${limit}`.execute(this.db);
    return rows.rows.map((r) => ({ id: r.id, transport: r.transport, chatId: r.chat_id, attempts: r.attempts, silent: r.silent, event: r.payload }));
  }

  async markDelivered(id: number, at: Date): Promise<void> {
    await this.db.updateTable('alert_deliveries').set((eb) => ({ status: 'delivered', delivered_at: at, attempts: eb('attempts', '+', 1) })).where('id', '=', id).execute();
  }

  async markFailed(id: number, error: string, nextAttemptAt: Date | null): Promise<void> {
    await this.db.updateTable('alert_deliveries')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 500), status: nextAttemptAt ? 'pending' : 'failed', ...(nextAttemptAt ? { next_attempt_at: nextAttemptAt } : {}) }))
      .where('id', '=', id).execute();
  }

  async countPending(): Promise<number> {
    const r = await this.db.selectFrom('alert_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
