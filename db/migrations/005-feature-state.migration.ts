import type { Kysely } from 'kysely';

/** Issue 10: the feature kernel's rolling state per symbol after its last indicator day, so a new day costs
 * one step per symbol instead of a re-read of the warm-up window. A state whose day is not the symbol's last
 * indicator day (or of another layout version) is ignored and that symbol recomputed from its first bar. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('feature_state')
    .addColumn('symbol', 'text', (c) => c.primaryKey())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('state', 'bytea', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('feature_state').execute();
}
