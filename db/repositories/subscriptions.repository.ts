/** Alert subscriptions per chat and alert type (on, silent, off). */
import type { Kysely } from 'kysely';
import type { AlertMode, SubscriptionRepository } from '../../src/ports/repositories.port.js';
import type { Database } from '../schema.js';

export class PgSubscriptionRepository implements SubscriptionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async forChat(transport: string, chatId: string): Promise<Map<string, AlertMode>> {
    const rows = await this.db.selectFrom('alert_subscriptions').select(['type', 'mode']).where('transport', '=', transport).where('chat_id', '=', chatId).execute();
    return new Map(rows.map((r) => [r.type, r.mode as AlertMode]));
  }

  async set(transport: string, chatId: string, types: readonly string[], mode: AlertMode, by: string, at: Date): Promise<void> {
    if (types.length === 0) return;
    await this.db.insertInto('alert_subscriptions')
      .values(types.map((type) => ({ transport, chat_id: chatId, type, mode, changed_by: by, changed_at: at })))
      .onConflict((oc) => oc.columns(['transport', 'chat_id', 'type']).doUpdateSet((eb) => ({
        mode: eb.ref('excluded.mode'), changed_by: eb.ref('excluded.changed_by'), changed_at: eb.ref('excluded.changed_at'),
      })))
      .execute();
  }

  async forType(type: string): Promise<Map<string, AlertMode>> {
    const rows = await this.db.selectFrom('alert_subscriptions').select(['transport', 'chat_id', 'mode']).where('type', '=', type).execute();
    return new Map(rows.map((r) => [`${r.transport}:${r.chat_id}`, r.mode as AlertMode]));
  }
}
