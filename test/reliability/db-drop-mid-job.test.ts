/** PostgreSQL connections dropped in the middle of a job. The pipeline runs through a TCP proxy in front of
 * the real server; halfway through its candles step the proxy drops every connection and refuses new ones
 * for a moment. The job fails cleanly (an error, the process alive), and its retry resumes the run and ends
 * with exactly the rows of a run that was never interrupted: candles, features, metrics and fundamentals. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { runJobNow } from '../../jobs/job-control.js';
import { createApp, type App } from '../../src/main.js';
import { instantAt } from '../../src/market/market-time.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { SP500_DIR } from '../helpers/tiller-process.js';

const UNIVERSE = ['AAPL', 'ABT', 'ADBE', 'AMZN', 'BA', 'C', 'CAT', 'CSCO', 'CVX', 'DIS', 'GE', 'GS', 'HD', 'IBM', 'INTC', 'JNJ', 'JPM', 'KO', 'MCD', 'MMM',
  'MRK', 'MSFT', 'NKE', 'ORCL', 'PEP', 'PFE', 'PG', 'T', 'UNH', 'V', 'VZ', 'WMT', 'XOM'];
const DAY = '2017-06-01';
const TABLES = ['candles', 'indicators', 'instrument_metrics', 'fundamentals'];

/** Each table's rows as one digest, without ids, run ids and timestamps. */
async function digest(url: string): Promise<Record<string, string>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const out: Record<string, string> = {};
    for (const t of TABLES) {
      const r = await c.query<{ d: string; n: number }>(`select md5(coalesce(string_agg(j, '|' order by j), '')) as d, count(*)::int as n from (
        select (to_jsonb(x) - 'id' - 'run_id' - 'created_at' - 'updated_at' - 'fetched_at' - 'state')::text as j from "${t}" x) y`);
      out[t] = `${r.rows[0]!.n} rows ${r.rows[0]!.d}`;
    }
    return out;
  } finally {
    await c.end();
  }
}

describe('database connections dropped in the middle of the pipeline', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tiller-db-drop-'));
  writeFileSync(path.join(dir, 'own.yaml'), `marketData:\n  universe: [${UNIVERSE.join(', ')}]\n  historyDays: 800\njobs:\n  retry:\n    attempts: 1\n    delayMs: 10\npipeline:\n  maxAttempts: 1\n`);
  const dbs: TestDatabase[] = [];
  const apps: App[] = [];
  let proxy: TcpProxy;

  async function app(url: string, progress?: (step: string, done: number) => void): Promise<App> {
    const a = await createApp(loadConfig({
      env: { DATABASE_URL: url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, CONSOLE_CHAT: 'on', TILLER_CONFIG: path.join(dir, 'own.yaml'), TILLER_VAR_DIR: path.join(dir, `var-${apps.length}`) },
      dotenvDir: null,
    }), { clock: new ManualClock(instantAt(DAY, '06:00', 'America/New_York')), log: createLogger('silent'), progress: (step, done) => progress?.(step, done) });
    apps.push(a);
    return a;
  }

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) dbs.push(await createTestDatabase());
    const real = new URL(dbs[1]!.url);
    proxy = new TcpProxy(real.hostname, Number(real.port || 5432));
    await proxy.start();
  }, 30_000);
  afterAll(async () => {
    await proxy.restore();
    for (const a of apps) await a.close().catch(() => undefined);
    await proxy.cut();
    for (const d of dbs) await d.drop();
  });

  it('fails the job cleanly, and its retry ends with the rows of an uninterrupted run', async () => {
    await runJobNow(await app(dbs[0]!.url), 'pipeline', DAY);
    const clean = await digest(dbs[0]!.url);
    expect(Number(clean.candles!.split(' ')[0])).toBeGreaterThan(10_000);

    const viaProxy = new URL(dbs[1]!.url);
    viaProxy.port = String(proxy.port);
    let cut = false;
    const faulty = await app(viaProxy.toString(), (step, done) => {
      if (step !== 'candles' || done !== 15 || cut) return;
      cut = true;
      void proxy.cut().then(() => setTimeout(() => void proxy.restore(), 500));
    });
    await expect(runJobNow(faulty, 'pipeline', DAY)).rejects.toThrow();
    expect(cut).toBe(true);
    // Some candles were stored before the cut, not all of them.
    const mid = await digest(dbs[1]!.url);
    expect(mid.candles).not.toBe(clean.candles);

    // The retry (the same process, its pool reconnecting) resumes and finishes the run.
    await proxy.restore();
    const retried = await runJobNow(faulty, 'pipeline', DAY) as { runId: number; resumedAfter: string[] };
    expect(await digest(dbs[1]!.url)).toEqual(clean);
    const runs = (await faulty.db.pool.query<{ id: number; status: string; resumed: number }>('select id, status, resumed from pipeline_runs order by id')).rows;
    // One run: the one the drop cut off, resumed at its candles step (rows stored before the cut are kept).
    expect(runs).toEqual([{ id: retried.runId, status: 'succeeded', resumed: 1 }]);
    expect(retried.resumedAfter).toEqual(['universe']);
  }, 120_000);
});
