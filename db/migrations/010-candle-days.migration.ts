import { sql, type Kysely } from 'kysely';

/** Issue 11: the market's day axis (every day any stored symbol has a bar) as its own small table, kept in
 * the same transaction as the bars. The baseline's live picks need the days 21 and 252 trading days back;
 * finding them from the bars meant sorting every bar of the last year and a half (0.13 s a day), and an
 * index on candles(day) slowed the bulk load of the bars by a fifth. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('market_days').addColumn('day', 'date', (c) => c.primaryKey()).execute();
  await sql`insert into market_days (day) select distinct day from candles`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('market_days').execute();
}
