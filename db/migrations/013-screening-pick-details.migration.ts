import { sql, type Kysely } from 'kysely';

/** Issue 12: why a symbol was left out of a day's picks (screening, one row per excluded symbol and picks
 * day, replaced with the day's picks), and each pick's details: risk score, recommendation, sector and the
 * snapshot of the indicators and fundamentals it was picked on. Older picks have none of them (null). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('screening')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('screening_pk', ['day', 'symbol'])
    .execute();
  await sql`alter table picks add column risk_score double precision`.execute(db);
  await sql`alter table picks add column recommendation text`.execute(db);
  await sql`alter table picks add column sector text`.execute(db);
  await sql`alter table picks add column snapshot jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('screening').execute();
  for (const c of ['risk_score', 'recommendation', 'sector', 'snapshot']) await sql`alter table picks drop column ${sql.ref(c)}`.execute(db);
}
