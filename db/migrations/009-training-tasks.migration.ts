import { sql, type Kysely } from 'kysely';

/** Issue 11: walk-forward training shared by workers. A run's spec once, then one row per (family, fold)
 * with the worker that trained it and the fold's out-of-sample scores (float64, day-major over the test
 * span). Agenda carries only (run, seq). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('training_runs')
    .addColumn('run_id', 'text', (c) => c.primaryKey())
    .addColumn('spec', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createTable('training_tasks')
    .addColumn('run_id', 'text', (c) => c.notNull().references('training_runs.run_id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('family', 'text', (c) => c.notNull())
    .addColumn('fold', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'running', 'done', 'failed')`))
    .addColumn('scores', 'bytea')
    .addColumn('seconds', 'double precision')
    .addColumn('error', 'text')
    .addColumn('worker', 'text')
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addPrimaryKeyConstraint('training_tasks_pk', ['run_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('training_tasks').execute();
  await db.schema.dropTable('training_runs').execute();
}
