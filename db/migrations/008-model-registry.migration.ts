import { sql, type Kysely } from 'kysely';

/** Issue 11: the model registry. One row per trained model (kind, version) with its parameters, data
 * window, walk-forward figures beside the baseline's, artefact and checksum, and status; at most one active
 * model per kind. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('models')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('params', 'jsonb', (c) => c.notNull())
    .addColumn('data_from', 'date', (c) => c.notNull())
    .addColumn('data_to', 'date', (c) => c.notNull())
    .addColumn('horizon', 'integer', (c) => c.notNull())
    .addColumn('folds', 'integer', (c) => c.notNull())
    .addColumn('metrics', 'jsonb', (c) => c.notNull())
    .addColumn('baseline', 'jsonb', (c) => c.notNull())
    .addColumn('backend', 'text', (c) => c.notNull())
    .addColumn('train_seconds', 'double precision', (c) => c.notNull())
    .addColumn('artefact_path', 'text', (c) => c.notNull())
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('candidate', 'active', 'rejected', 'retired')`))
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('models_kind_version', ['kind', 'version'])
    .execute();
  await sql`create unique index models_one_active on models (kind) where status = 'active'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('models').execute();
}
