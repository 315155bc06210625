import { sql, type Kysely } from 'kysely';

/** The walking skeleton's tables. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const f8 = 'float8' as const;
  await db.schema.createTable('instruments')
    .addColumn('symbol', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sector', 'text')
    .addColumn('market_cap', f8)
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createTable('candles')
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('open', f8, (c) => c.notNull())
    .addColumn('high', f8, (c) => c.notNull())
    .addColumn('low', f8, (c) => c.notNull())
    .addColumn('close', f8, (c) => c.notNull())
    .addColumn('volume', f8, (c) => c.notNull())
    .addPrimaryKeyConstraint('candles_pk', ['symbol', 'day'])
    .execute();
  let ind = db.schema.createTable('indicators')
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('close', f8, (c) => c.notNull());
  for (const col of ['rsi14', 'macd', 'macd_signal', 'macd_hist', 'sma20', 'sma50', 'sma200', 'ema12', 'ema26', 'atr14', 'bb_upper', 'bb_middle', 'bb_lower', 'roc20', 'roc63']) {
    ind = ind.addColumn(col, f8);
  }
  await ind.addPrimaryKeyConstraint('indicators_pk', ['symbol', 'day']).execute();
  await db.schema.createIndex('indicators_day_idx').on('indicators').column('day').execute();

  await db.schema.createTable('pipeline_runs')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('as_of', 'date', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createTable('pipeline_steps')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('run_id', 'integer', (c) => c.notNull().references('pipeline_runs.id').onDelete('cascade'))
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createTable('quarantine')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('run_id', 'integer', (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('raw', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('quarantine_row_uq', ['symbol', 'day', 'reason'])
    .execute();

  await db.schema.createTable('picks')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('rank', 'integer', (c) => c.notNull())
    .addColumn('score', f8, (c) => c.notNull())
    .addColumn('confidence', f8, (c) => c.notNull())
    .addColumn('entry', f8, (c) => c.notNull())
    .addColumn('target', f8, (c) => c.notNull())
    .addColumn('stop_loss', f8, (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('rationale', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('picks_pk', ['day', 'profile', 'symbol'])
    .execute();

  await db.schema.createTable('orders')
    .addColumn('client_order_id', 'text', (c) => c.primaryKey())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('qty', f8, (c) => c.notNull())
    .addColumn('price', f8)
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('pick_profile', 'text')
    .addColumn('note', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createTable('fills')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('client_order_id', 'text', (c) => c.notNull().unique().references('orders.client_order_id'))
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('qty', f8, (c) => c.notNull())
    .addColumn('price', f8, (c) => c.notNull())
    .addColumn('fee', f8, (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createTable('positions')
    .addColumn('symbol', 'text', (c) => c.primaryKey())
    .addColumn('qty', f8, (c) => c.notNull())
    .addColumn('avg_price', f8, (c) => c.notNull())
    .addColumn('stop_loss', f8, (c) => c.notNull())
    .addColumn('target', f8, (c) => c.notNull())
    .addColumn('opened_day', 'date', (c) => c.notNull())
    .addColumn('profile', 'text')
    .execute();
  await db.schema.createTable('closed_trades')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('client_order_id', 'text', (c) => c.notNull().unique())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('qty', f8, (c) => c.notNull())
    .addColumn('entry_price', f8, (c) => c.notNull())
    .addColumn('exit_price', f8, (c) => c.notNull())
    .addColumn('pnl', f8, (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('opened_day', 'date', (c) => c.notNull())
    .addColumn('closed_day', 'date', (c) => c.notNull())
    .execute();
  await db.schema.createTable('account')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('cash', f8, (c) => c.notNull())
    .execute();
  await db.schema.createTable('portfolio_snapshots')
    .addColumn('day', 'date', (c) => c.primaryKey())
    .addColumn('cash', f8, (c) => c.notNull())
    .addColumn('equity', f8, (c) => c.notNull())
    .addColumn('exposure', f8, (c) => c.notNull())
    .addColumn('realized_pnl', f8, (c) => c.notNull())
    .addColumn('unrealized_pnl', f8, (c) => c.notNull())
    .addColumn('drawdown', f8, (c) => c.notNull())
    .execute();
  await db.schema.createTable('trading_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createTable('trading_state_history')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createTable('breaker_events')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('value', f8, (c) => c.notNull())
    .addColumn('limit_value', f8, (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createTable('alert_outbox')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createTable('alert_deliveries')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('outbox_id', 'integer', (c) => c.notNull().references('alert_outbox.id').onDelete('cascade'))
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('chat_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_at', 'timestamptz')
    .addUniqueConstraint('alert_delivery_uq', ['outbox_id', 'transport', 'chat_id'])
    .execute();
  await db.schema.createIndex('alert_deliveries_pending_idx').on('alert_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createTable('audit_log')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('chat_id', 'text', (c) => c.notNull())
    .addColumn('command', 'text', (c) => c.notNull())
    .addColumn('args', 'text', (c) => c.notNull())
    .addColumn('role', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['audit_log', 'alert_deliveries', 'alert_outbox', 'breaker_events', 'trading_state_history', 'trading_state',
    'portfolio_snapshots', 'account', 'closed_trades', 'positions', 'fills', 'orders', 'picks', 'quarantine', 'pipeline_steps',
    'pipeline_runs', 'indicators', 'candles', 'instruments']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
