/** A broker that answers 5xx or times out (Alpaca's official SDK against a fake Alpaca, on real PostgreSQL).
 * 5xx answers are retried with backoff and the orders go through once. When every answer is lost (Alpaca
 * acts on the order, but the reply never arrives in time), the trade job fails cleanly with the order left
 * `new`; reconciliation then asks Alpaca by the client order id and books the fill it made, and the rerun of
 * the job sends nothing twice: one order per id at the broker, one fill per order, cash moved once each. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgPickRepository } from '../../db/repositories/picks.repository.js';
import { loadConfig } from '../../src/config.js';
import type { Pick } from '../../src/domain/types.js';
import { createLogger } from '../../src/logger.js';
import { runJobNow } from '../../jobs/job-control.js';
import { createApp, type App } from '../../src/main.js';
import { instantAt } from '../../src/market/market-time.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { FakeAlpacaTrading } from '../fakes/alpaca-trading-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { eventually, SP500_DIR } from '../helpers/tiller-process.js';

const DAY = '2017-03-01';
const SYMBOLS = ['AAPL', 'JNJ', 'MSFT'];
const openOf = (symbol: string) => Number(readFileSync(path.join(SP500_DIR, 'daily', `${symbol}.csv`), 'utf8').split('\n').find((l) => l.startsWith(DAY))!.split(',')[1]);
const pick = (symbol: string, rank: number): Pick => {
  const entry = openOf(symbol);
  return { day: DAY, profile: 'conservative', symbol, rank, score: 1, confidence: 1, entry, target: entry * 1.2, stopLoss: entry * 0.9, model: 'test', rationale: 'broker faults' };
};

describe('a broker answering 5xx and timing out', () => {
  const fake = new FakeAlpacaTrading('KEY', 'SECRET', (s) => (SYMBOLS.includes(s) ? openOf(s) : null));
  const dbs: TestDatabase[] = [];
  const apps: App[] = [];
  let url = '';
  // Each broker call may take 300 ms; a job failing with a temporary error is not retried here (the test
  // runs the retry itself, after the broker recovers).
  const dir = mkdtempSync(path.join(tmpdir(), 'tiller-broker-faults-'));
  writeFileSync(path.join(dir, 'own.yaml'), 'trading:\n  brokerTimeoutMs: 300\njobs:\n  retry:\n    attempts: 1\n    delayMs: 10\n');

  async function freshApp(): Promise<App> {
    const db = await createTestDatabase();
    dbs.push(db);
    fake.orders.clear();
    fake.positions.clear();
    fake.posts.length = 0;
    fake.cash = 100_000;
    const app = await createApp(loadConfig({
      env: {
        DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, CONSOLE_CHAT: 'on', BROKER: 'alpaca', ALPACA_KEY_ID: 'KEY', ALPACA_SECRET_KEY: 'SECRET',
        ALPACA_TRADING_URL: url, TILLER_CONFIG: path.join(dir, 'own.yaml'), TILLER_VAR_DIR: path.join(dir, `var-${dbs.length}`),
      },
      dotenvDir: null,
    }), { clock: new ManualClock(instantAt(DAY, '09:45', 'America/New_York')), log: createLogger('silent') });
    apps.push(app);
    await new PgPickRepository(app.db.db).replace(DAY, 'conservative', SYMBOLS.map((s, i) => pick(s, i + 1)));
    return app;
  }

  const books = async (app: App) => ({
    orders: await app.db.db.selectFrom('orders').select(['client_order_id', 'status']).orderBy('client_order_id').execute(),
    fills: await app.db.db.selectFrom('fills').select(['client_order_id', 'qty', 'price']).orderBy('client_order_id').execute(),
    positions: await app.db.db.selectFrom('positions').select(['symbol', 'qty']).orderBy('symbol').execute(),
    cash: Number((await app.db.db.selectFrom('account').select('cash').executeTakeFirstOrThrow()).cash),
  });
  const ids = SYMBOLS.map((s) => `entry:${s}:${DAY}`);

  beforeAll(async () => {
    url = await fake.start();
  });
  afterAll(async () => {
    for (const a of apps) await a.close();
    await fake.stop();
    for (const d of dbs) await d.drop();
  });

  it('retries 5xx answers with backoff: every order goes through once', async () => {
    const app = await freshApp();
    fake.failNext = 3;
    await runJobNow(app, 'trade', DAY);
    expect(fake.failNext).toBe(0); // all three 500s were met, and retried past
    const b = await books(app);
    expect(b.orders).toEqual(ids.map((id) => ({ client_order_id: id, status: 'filled' })));
    expect(b.fills.map((f) => f.client_order_id)).toEqual(ids);
    expect(fake.created().map((o) => o.client_order_id).sort()).toEqual(ids);
    const spent = b.fills.reduce((s, f) => s + Number(f.qty) * Number(f.price), 0);
    expect(b.cash).toBeCloseTo(100_000 - spent, 6);
  });

  it('when every answer is lost, the job fails cleanly; reconciliation books what the broker did; the rerun sends nothing twice', async () => {
    const app = await freshApp();
    await app.reconciler.reconcile(); // the start-up reconciliation, done before the broker's answers get lost
    fake.stallNext = 1_000;
    fake.stallMs = 1_000;
    await expect(runJobNow(app, 'trade', DAY)).rejects.toThrow(/no answer within 300 ms/);
    // Alpaca created the first order (and filled it: a market order); every resend met the same order.
    expect(fake.created().map((o) => o.client_order_id)).toEqual([ids[0]]);
    expect(fake.posts.length).toBeGreaterThan(1);
    const mid = await books(app);
    expect(mid.orders).toEqual([{ client_order_id: ids[0], status: 'new' }]);
    expect(mid.fills).toEqual([]);
    expect(mid.cash).toBe(100_000);
    const failed = await app.db.db.selectFrom('alert_outbox').select('type').where('type', '=', 'job_failed').execute();
    expect(failed).toHaveLength(1);

    fake.stallNext = 0;
    await eventually(() => (fake.stalledInFlight === 0 ? true : undefined), 10_000, 'the stalled answers to drain');
    const report = await app.reconciler.reconcile();
    expect(report, JSON.stringify(report)).toMatchObject({ booked: [ids[0]] });
    await runJobNow(app, 'trade', DAY);
    const b = await books(app);
    expect(b.orders).toEqual(ids.map((id) => ({ client_order_id: id, status: 'filled' })));
    expect(b.fills.map((f) => f.client_order_id)).toEqual(ids);
    expect(b.positions.map((p) => p.symbol)).toEqual(SYMBOLS);
    expect(fake.created().map((o) => o.client_order_id).sort()).toEqual(ids);
    const spent = b.fills.reduce((s, f) => s + Number(f.qty) * Number(f.price), 0);
    expect(b.cash).toBeCloseTo(100_000 - spent, 6);
  }, 60_000);
});
