import { sql, type Kysely } from 'kysely';

/** Issue 3: the full feature set (53 features), fundamentals, derived metrics, and quarantine kinds
 * ('rejected': not stored; 'flagged': stored but noted, e.g. a gap before it). Column lists are written out
 * so this migration means the same thing whatever the code's feature list becomes later. */
const NEW_FEATURE_COLUMNS = ['sma5', 'sma10', 'sma100', 'ema5', 'ema10', 'ema20', 'ema50', 'ema100', 'ema200', 'adx14', 'plus_di14',
  'minus_di14', 'rsi7', 'rsi21', 'stoch_k', 'stoch_d', 'williams_r14', 'roc5', 'roc10', 'roc126', 'roc252', 'cci20', 'mfi14', 'atr_pct',
  'bb_percent_b', 'bb_width', 'kc_upper', 'kc_middle', 'kc_lower', 'volatility20', 'obv', 'vwap20', 'volume_sma20', 'rel_volume', 'doji',
  'hammer', 'bullish_engulfing', 'bearish_engulfing'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`alter table indicators ${NEW_FEATURE_COLUMNS.map((c) => `add column ${c} float8`).join(', ')}`).execute(db);

  await db.schema.alterTable('quarantine').addColumn('kind', 'text', (c) => c.notNull().defaultTo('rejected')).execute();

  await db.schema.createTable('fundamentals')
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('as_of', 'date', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('market_cap', 'float8').addColumn('pe', 'float8').addColumn('pb', 'float8').addColumn('ps', 'float8')
    .addColumn('eps', 'float8').addColumn('dividend_yield', 'float8').addColumn('ebitda', 'float8').addColumn('roe', 'float8')
    .addColumn('beta', 'float8').addColumn('debt_to_equity', 'float8').addColumn('profit_margin', 'float8')
    .addColumn('revenue_growth', 'float8').addColumn('earnings_growth', 'float8')
    .addColumn('week52_low', 'float8').addColumn('week52_high', 'float8')
    .addPrimaryKeyConstraint('fundamentals_pk', ['symbol', 'as_of'])
    .execute();

  await db.schema.createTable('instrument_metrics')
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('volatility20', 'float8').addColumn('volatility60', 'float8').addColumn('atr_pct', 'float8')
    .addColumn('avg_turnover20', 'float8').addColumn('high52w', 'float8').addColumn('low52w', 'float8')
    .addColumn('pct_from_high52w', 'float8').addColumn('bars', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('instrument_metrics_pk', ['symbol', 'day'])
    .execute();

  await db.schema.alterTable('pipeline_runs').addColumn('resumed', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await sql`create index pipeline_runs_as_of_idx on pipeline_runs (as_of, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists pipeline_runs_as_of_idx`.execute(db);
  await db.schema.alterTable('pipeline_runs').dropColumn('resumed').execute();
  await db.schema.dropTable('instrument_metrics').execute();
  await db.schema.dropTable('fundamentals').execute();
  await db.schema.alterTable('quarantine').dropColumn('kind').execute();
  await sql.raw(`alter table indicators ${NEW_FEATURE_COLUMNS.map((c) => `drop column ${c}`).join(', ')}`).execute(db);
}
