import { sql, type Kysely } from 'kysely';

/** Issue 4: stop-limit orders (limit and stop prices apart), broker order ids, trailing-stop high-water
 * marks, the model behind each position and trade, breaker stages and their clearance, risk settings
 * changed from chat, and the paper broker's own order book. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('orders').renameColumn('price', 'limit_price').execute();
  await db.schema.alterTable('orders').addColumn('stop_price', 'float8').addColumn('broker_order_id', 'text').execute();
  await sql`update orders set stop_price = limit_price, limit_price = null where type = 'stop'`.execute(db);
  await sql`create index orders_status_idx on orders (status)`.execute(db);

  await db.schema.alterTable('positions').addColumn('high_water', 'float8').addColumn('model', 'text').execute();
  await sql`update positions set high_water = avg_price`.execute(db);
  await sql`alter table positions alter column high_water set not null`.execute(db);

  await db.schema.alterTable('closed_trades')
    .addColumn('profile', 'text').addColumn('model', 'text')
    .addColumn('closed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema.alterTable('breaker_events').addColumn('stage', 'text', (c) => c.notNull().defaultTo('soft')).execute();
  await db.schema.createTable('breaker_state')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('stage', 'text')
    .addColumn('value', 'float8')
    .addColumn('limit_value', 'float8')
    .addColumn('tripped_day', 'date')
    .addColumn('tripped_at', 'timestamptz')
    .addColumn('cleared_at', 'timestamptz')
    .addColumn('cleared_day', 'date')
    .addColumn('cleared_by', 'text')
    .addColumn('cleared_equity', 'float8')
    .execute();

  await db.schema.createTable('risk_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'float8', (c) => c.notNull())
    .addColumn('changed_by', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema.createTable('paper_orders')
    .addColumn('client_order_id', 'text', (c) => c.primaryKey())
    .addColumn('result', 'jsonb', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('paper_orders').execute();
  await db.schema.dropTable('risk_settings').execute();
  await db.schema.dropTable('breaker_state').execute();
  await db.schema.alterTable('breaker_events').dropColumn('stage').execute();
  await db.schema.alterTable('closed_trades').dropColumn('profile').dropColumn('model').dropColumn('closed_at').execute();
  await db.schema.alterTable('positions').dropColumn('high_water').dropColumn('model').execute();
  await sql`drop index if exists orders_status_idx`.execute(db);
  await sql`update orders set limit_price = stop_price where type = 'stop'`.execute(db);
  await db.schema.alterTable('orders').dropColumn('stop_price').dropColumn('broker_order_id').execute();
  await db.schema.alterTable('orders').renameColumn('limit_price', 'price').execute();
}
