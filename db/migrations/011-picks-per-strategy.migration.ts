import { sql, type Kysely } from 'kysely';

/** Issue 12: picks of every strategy for each profile, one of them traded. A day's picks are keyed by
 * (day, profile, strategy, symbol), so a rerun replaces a strategy's picks and never duplicates them; the
 * trade cycle buys the set marked traded. Existing picks were the momentum rule's, and traded. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table picks add column strategy text not null default 'momentum-trend'`.execute(db);
  await sql`alter table picks add column traded boolean not null default true`.execute(db);
  await sql`alter table picks alter column strategy drop default`.execute(db);
  await sql`alter table picks alter column traded drop default`.execute(db);
  await sql`alter table picks drop constraint picks_pk`.execute(db);
  await sql`alter table picks add constraint picks_pk primary key (day, profile, strategy, symbol)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from picks where not traded`.execute(db);
  await sql`alter table picks drop constraint picks_pk`.execute(db);
  await sql`alter table picks add constraint picks_pk primary key (day, profile, symbol)`.execute(db);
  await sql`alter table picks drop column traded`.execute(db);
  await sql`alter table picks drop column strategy`.execute(db);
}
