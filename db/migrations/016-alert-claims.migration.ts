import { sql, type Kysely } from 'kysely';

/** A delivery is claimed before it is sent (status `sending`, with the time): two processes never send the same
 * one, and a claim left by a process that died is taken again once it is older than any send can take. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table alert_deliveries add column claimed_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`update alert_deliveries set status = 'pending' where status = 'sending'`.execute(db);
  await sql`alter table alert_deliveries drop column claimed_at`.execute(db);
}
