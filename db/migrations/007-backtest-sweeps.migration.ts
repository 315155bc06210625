import { sql, type Kysely } from 'kysely';

/** Issue 10: distributed sweeps. A run's spec once, then one row per task (a walk-forward window's grid
 * point, or its test span) with the worker that ran it and its outcome. Agenda carries only (run, seq). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('backtest_sweeps')
    .addColumn('run_id', 'text', (c) => c.primaryKey())
    .addColumn('spec', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createTable('backtest_sweep_tasks')
    .addColumn('run_id', 'text', (c) => c.notNull().references('backtest_sweeps.run_id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('task', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'running', 'done', 'failed')`))
    .addColumn('outcome', 'jsonb')
    .addColumn('error', 'text')
    .addColumn('worker', 'text')
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addPrimaryKeyConstraint('backtest_sweep_tasks_pk', ['run_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('backtest_sweep_tasks').execute();
  await db.schema.dropTable('backtest_sweeps').execute();
}
