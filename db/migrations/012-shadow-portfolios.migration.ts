import { sql, type Kysely } from 'kysely';

/** Issue 12: every (strategy, profile) as a shadow paper portfolio: the backtester trading the picks that
 * strategy made each day, from its first picks day to the last stored bar, under the live rules. One row
 * per combination, replaced each day; /leaderboard compares them. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('shadow_portfolios')
    .addColumn('strategy', 'text', (c) => c.notNull())
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('traded', 'boolean', (c) => c.notNull())
    .addColumn('first_day', 'date', (c) => c.notNull())
    .addColumn('as_of', 'date', (c) => c.notNull())
    .addColumn('days', 'integer', (c) => c.notNull())
    .addColumn('equity', 'double precision', (c) => c.notNull())
    .addColumn('total_return', 'double precision', (c) => c.notNull())
    .addColumn('sharpe', 'double precision')
    .addColumn('max_drawdown', 'double precision', (c) => c.notNull())
    .addColumn('hit_rate', 'double precision')
    .addColumn('trades', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('shadow_portfolios_pk', ['strategy', 'profile'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('shadow_portfolios').execute();
}
