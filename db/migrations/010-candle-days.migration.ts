import type { Kysely } from 'kysely';

/** Issue 11: the market's day axis without a scan of every bar. The baseline's live picks need the days 21
 * and 252 trading days back; an index on the day lets PostgreSQL step from one day to the one before in a
 * probe each (a loose index scan) instead of sorting the window's bars. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('candles_day').on('candles').column('day').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('candles_day').execute();
}
