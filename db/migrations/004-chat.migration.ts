import { sql, type Kysely } from 'kysely';

/** Issue 5: alert subscriptions per chat and type (on, silent, off), silent deliveries, and a record of every
 * job run (for /jobs). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('alert_subscriptions')
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('chat_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('on', 'silent', 'off')`))
    .addColumn('changed_by', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_subscriptions_pk', ['transport', 'chat_id', 'type'])
    .execute();
  await db.schema.alterTable('alert_deliveries').addColumn('silent', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
  await db.schema.createTable('job_runs')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('outcome', 'text', (c) => c.notNull().defaultTo('running'))
    .addColumn('error', 'text')
    .execute();
  await sql`create index job_runs_job_idx on job_runs (job, id desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('job_runs').execute();
  await db.schema.alterTable('alert_deliveries').dropColumn('silent').execute();
  await db.schema.dropTable('alert_subscriptions').execute();
}
