/** Fault injection on real PostgreSQL: the real `tiller run trade` process is killed with SIGKILL at each
 * step of the trade cycle (after sizing, after the order insert, after the broker accepted the order,
 * inside the fill's transaction, after the position update), then run again. Each time, the orders, fills,
 * positions, cash and trade alerts equal those of an uninterrupted run, and the broker holds exactly one
 * order per client order id. Run against the paper broker and against Alpaca (official SDK, fake server). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { PgPickRepository } from '../../db/repositories/picks.repository.js';
import { CRASH_POINTS } from '../../src/config.js';
import type { Pick } from '../../src/domain/types.js';
import { FakeAlpacaTrading } from '../fakes/alpaca-trading-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { runTillerToEnd, SP500_DIR } from '../helpers/tiller-process.js';

const DAY = '2017-03-01';
const SYMBOLS = ['AAPL', 'MSFT', 'JNJ'];

function openOf(symbol: string): number {
  const line = readFileSync(path.join(SP500_DIR, 'daily', `${symbol}.csv`), 'utf8').split('\n').find((l) => l.startsWith(DAY));
  return Number(line!.split(',')[1]);
}

/** What must come out the same: the books (no timestamps) and the trade alerts. */
async function books(url: string) {
  const h = openDatabase(url, 2);
  try {
    const q = h.db;
    return {
      orders: await q.selectFrom('orders').select(['client_order_id', 'symbol', 'side', 'qty', 'status']).orderBy('client_order_id').execute(),
      fills: await q.selectFrom('fills').select(['client_order_id', 'qty', 'price', 'fee']).orderBy('client_order_id').execute(),
      positions: await q.selectFrom('positions').select(['symbol', 'qty', 'avg_price', 'stop_loss', 'target']).orderBy('symbol').execute(),
      cash: (await q.selectFrom('account').select('cash').executeTakeFirst())?.cash,
      alerts: (await q.selectFrom('alert_outbox').select(['type', 'dedupe_key']).where('type', 'in', ['trade_opened', 'trade_closed', 'order_rejected']).orderBy('dedupe_key').execute()),
    };
  } finally {
    await h.close();
  }
}

const pick = (symbol: string, rank: number): Pick => {
  const entry = openOf(symbol);
  return { day: DAY, profile: 'conservative', symbol, rank, score: 1, confidence: 1, entry, target: entry * 1.2, stopLoss: entry * 0.9, model: 'test-model', rationale: 'fault injection' };
};

describe.each(['paper', 'alpaca'] as const)('SIGKILL at each step of the trade cycle (%s broker)', (broker) => {
  const dbs: TestDatabase[] = [];
  let fake: FakeAlpacaTrading;
  let fakeUrl = '';
  let baseline: Awaited<ReturnType<typeof books>>;
  let baselineBroker: string[] = [];

  /** A fresh database with the day's picks, and a fresh broker account. */
  async function fresh(): Promise<{ env: Record<string, string>; db: TestDatabase }> {
    const db = await createTestDatabase();
    dbs.push(db);
    const h = openDatabase(db.url, 2);
    await migrateToLatest(h.db, h.pool);
    await new PgPickRepository(h.db).replace(DAY, 'conservative', SYMBOLS.map((s, i) => pick(s, i + 1)));
    await h.close();
    fake.orders.clear();
    fake.positions.clear();
    fake.posts.length = 0;
    fake.cash = 100_000;
    const env: Record<string, string> = { DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, CONSOLE_CHAT: 'on', LOG_LEVEL: 'error', BROKER: broker };
    if (broker === 'alpaca') Object.assign(env, { ALPACA_KEY_ID: 'KEY', ALPACA_SECRET_KEY: 'SECRET', ALPACA_TRADING_URL: fakeUrl });
    return { env, db };
  }

  /** Orders as the broker holds them, one entry per order it created. */
  async function brokerOrders(url: string): Promise<string[]> {
    if (broker === 'alpaca') return fake.created().map((o) => o.client_order_id).sort();
    const h = openDatabase(url, 2);
    try {
      return (await h.db.selectFrom('paper_orders').select('client_order_id').orderBy('client_order_id').execute()).map((r) => r.client_order_id);
    } finally {
      await h.close();
    }
  }

  beforeAll(async () => {
    fake = new FakeAlpacaTrading('KEY', 'SECRET', (s) => (SYMBOLS.includes(s) ? openOf(s) : null));
    fakeUrl = await fake.start();
    const { env, db } = await fresh();
    const r = await runTillerToEnd(['run', 'trade', '--day', DAY], env);
    expect(r.code, r.stderr).toBe(0);
    baseline = await books(db.url);
    baselineBroker = await brokerOrders(db.url);
  });
  afterAll(async () => {
    await fake.stop();
    for (const d of dbs) await d.drop();
  });

  it('the uninterrupted run bought the three picks once each', () => {
    expect(baseline.orders.map((o) => [o.client_order_id, o.status])).toEqual(SYMBOLS.map((s) => [`entry:${s}:${DAY}`, 'filled']).sort());
    expect(baseline.positions.map((p) => p.symbol)).toEqual([...SYMBOLS].sort());
    expect(baseline.alerts.map((a) => a.type)).toEqual(['trade_opened', 'trade_opened', 'trade_opened']);
    expect(baselineBroker).toEqual(SYMBOLS.map((s) => `entry:${s}:${DAY}`).sort());
  });

  it.each(CRASH_POINTS)('killed %s, then restarted: same books, one order per id at the broker', async (point) => {
    const { env, db } = await fresh();
    const crashed = await runTillerToEnd(['run', 'trade', '--day', DAY], { ...env, TILLER_CRASH_AT: point });
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    // Where the process died, as the database and the broker show it (the first pick, AAPL, in each case).
    const mid = await books(db.url);
    const midBroker = await brokerOrders(db.url);
    const expected = {
      after_sizing: { orders: [], fills: 0, positions: 0, broker: 0 },
      after_order_insert: { orders: ['new'], fills: 0, positions: 0, broker: 0 },
      after_broker_submit: { orders: ['new'], fills: 0, positions: 0, broker: 1 },
      // The fill's transaction rolled back; Alpaca's order id was stored just before it.
      after_fill: { orders: [broker === 'alpaca' ? 'submitted' : 'new'], fills: 0, positions: 0, broker: 1 },
      after_position_update: { orders: ['filled'], fills: 1, positions: 1, broker: 1 },
    }[point];
    expect({ orders: mid.orders.map((o) => o.status), fills: mid.fills.length, positions: mid.positions.length, broker: midBroker.length }).toEqual(expected);
    expect(mid.alerts).toEqual([]); // killed before the trade alert was stored: the rerun must still send it, once
    const rerun = await runTillerToEnd(['run', 'trade', '--day', DAY], env);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await books(db.url)).toEqual(baseline);
    expect(await brokerOrders(db.url)).toEqual(baselineBroker);
    if (broker === 'alpaca') expect(new Set(fake.created().map((o) => o.client_order_id)).size).toBe(fake.created().length);
  });
});
