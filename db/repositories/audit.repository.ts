import type { Kysely } from 'kysely';
import type { AuditEntry, AuditRepository } from '../../src/ports/repositories.port.js';
import type { Database } from '../schema.js';

export class PgAuditRepository implements AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(e: AuditEntry): Promise<void> {
    await this.db.insertInto('audit_log').values({
      at: e.at, transport: e.transport, user_id: e.userId, chat_id: e.chatId, command: e.command, args: e.args,
      role: e.role, outcome: e.outcome, detail: e.detail.slice(0, 1000),
    }).execute();
  }

  async recent(limit: number): Promise<AuditEntry[]> {
    const rows = await this.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      at: r.at, transport: r.transport, userId: r.user_id, chatId: r.chat_id, command: r.command, args: r.args,
      role: r.role, outcome: r.outcome as AuditEntry['outcome'], detail: r.detail,
    }));
  }
}
