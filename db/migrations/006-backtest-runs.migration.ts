import { sql, type Kysely } from 'kysely';

/** Issue 10: every backtest run (CLI or chat), its options, outcome, headline metrics and report folder. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('backtest_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'succeeded', 'failed')`))
    .addColumn('from_day', 'date', (c) => c.notNull())
    .addColumn('to_day', 'date', (c) => c.notNull())
    .addColumn('strategy', 'text', (c) => c.notNull())
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('metrics', 'jsonb')
    .addColumn('dir', 'text')
    .addColumn('error', 'text')
    .execute();
  await sql`create index backtest_runs_started_idx on backtest_runs (started_at desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('backtest_runs').execute();
}
