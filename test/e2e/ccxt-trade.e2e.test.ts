/** The crypto profile end to end on the ccxt broker: the real `tiller run trade` process buys the day's BTC
 * pick on a fake Binance (ccxt for both the market data and the orders), is killed with SIGKILL after the
 * exchange took the order, and is run again. The exchange ends with one order; Tiller's position is the BTC the
 * exchange really holds (the fee Binance kept in BTC deducted) and Tiller's cash is the exchange's USDT, so the
 * next process's start-up reconciliation finds nothing to complain about and trading stays RUNNING. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { PgPickRepository } from '../../db/repositories/picks.repository.js';
import { FakeBinanceSpot } from '../fakes/binance-spot-trading-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { runTillerToEnd, ROOT } from '../helpers/tiller-process.js';

const DAY = '2017-03-01';
const BTC_OPEN = 1147.13; // the recorded open of 2017-03-01
const BTC_CSV = path.resolve(ROOT, '../shared/data/crypto/BTC-USD.csv');

describe('crypto on the ccxt broker (fake Binance): killed after the exchange took the order, then run again', () => {
  const fake = new FakeBinanceSpot(BTC_CSV, 'KEY', 'SECRET', (s) => (s === 'BTCUSDT' ? BTC_OPEN : null));
  let db: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    const url = await fake.start();
    fake.book.reset({ USDT: 100_000 });
    db = await createTestDatabase();
    const h = openDatabase(db.url, 2);
    await migrateToLatest(h.db, h.pool);
    await new PgPickRepository(h.db).replace(DAY, 'conservative', [{
      day: DAY, profile: 'conservative', symbol: 'BTC/USDT', rank: 1, score: 1, confidence: 1, entry: BTC_OPEN, target: BTC_OPEN * 1.2, stopLoss: BTC_OPEN * 0.9,
      model: 'test-model', rationale: 'ccxt e2e',
    }]);
    await h.close();
    env = {
      DATABASE_URL: db.url, TILLER_MARKET: 'crypto', MARKET_DATA: 'ccxt', CCXT_EXCHANGE: 'binance', CCXT_API_ROOT: url, BROKER: 'ccxt',
      CCXT_API_KEY: 'KEY', CCXT_SECRET: 'SECRET', CCXT_TRADING_API_ROOT: url, CONSOLE_CHAT: 'on', LOG_LEVEL: 'error',
    };
  });
  afterAll(async () => {
    await fake.stop();
    await db.drop();
  });

  it('ends with one order at the exchange and books that match its balances', async () => {
    const crashed = await runTillerToEnd(['run', 'trade', '--day', DAY], { ...env, TILLER_CRASH_AT: 'after_broker_submit' });
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    expect(fake.book.orders).toHaveLength(1);
    const rerun = await runTillerToEnd(['run', 'trade', '--day', DAY], env);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(fake.book.orders).toHaveLength(1); // the rerun found the order instead of placing another

    const order = fake.book.orders[0]!;
    // 10 % of 100,000 at 1,147.13 with 15 bps of cost allowance, in 0.00001 BTC steps
    expect(order.qty).toBe(Math.floor((10_000 / (BTC_OPEN * 1.0015)) * 1e5) / 1e5);
    const h = openDatabase(db.url, 2);
    try {
      const pos = await h.db.selectFrom('positions').selectAll().execute();
      expect(pos.map((p) => p.symbol)).toEqual(['BTC/USDT']);
      expect(Number(pos[0]!.qty)).toBeCloseTo(fake.book.balance('BTC'), 9);
      expect(Number(pos[0]!.qty)).toBeCloseTo(order.qty * 0.999, 9);
      const cash = Number((await h.db.selectFrom('account').select('cash').executeTakeFirstOrThrow()).cash);
      expect(Math.abs(cash - fake.book.balance('USDT'))).toBeLessThanOrEqual(0.01); // Tiller books money in cents
      const fills = await h.db.selectFrom('fills').selectAll().execute();
      expect(fills.map((f) => [f.client_order_id, Number(f.price)])).toEqual([[`entry:BTC/USDT:${DAY}`, BTC_OPEN]]);
      // Reconciliation at the rerun's start found the positions equal: the state never left RUNNING.
      expect(await h.db.selectFrom('trading_state_history').select('status').execute()).toEqual([]);
      const diffs = await h.db.selectFrom('alert_outbox').select('type').where('type', '=', 'reconciliation').execute();
      expect(diffs).toHaveLength(1); // the rerun booked the fill it found at the exchange, and said so
    } finally {
      await h.close();
    }
  });
});
