/** Tiller as a newcomer meets it offline, on recorded data that ends years ago: a `tiller run` without
 * `--day` runs on the latest day the data allows and says so; a job that fails exits non-zero with one line
 * (the stack only with LOG_LEVEL=debug); a first `tiller start` fills the empty database and makes the picks
 * of the data's last bar by itself. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import pg from 'pg';
import { eventually, freePort, runTillerToEnd, SP500_DIR, startTiller } from '../helpers/tiller-process.js';

describe('tiller run on recorded data', () => {
  let db: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), 'tiller-run-'));
    writeFileSync(path.join(dir, 'own.yaml'), 'marketData:\n  universe: [AAPL, MSFT, KO]\n  historyDays: 400\n');
    env = { DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, CONSOLE_CHAT: 'off', TILLER_VAR_DIR: dir, TILLER_CONFIG: path.join(dir, 'own.yaml') };
  }, 30_000);
  afterAll(async () => {
    await db?.drop();
  });

  it('without --day runs on the latest day the data allows and says so: the pipeline stores its last bar', async () => {
    const r = await runTillerToEnd(['run', 'pipeline'], env);
    expect(r.stderr).toContain('tiller: the csv market data ends 2018-02-07; running pipeline for 2018-02-08 (the trading day after it, whose pipeline reads the 2018-02-07 bar) (--day runs another day)');
    expect(r.code).toBe(0);
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const last = await sql.query<{ day: string; n: number }>("select to_char(max(day), 'YYYY-MM-DD') as day, count(distinct symbol)::int as n from candles").finally(() => sql.end());
    expect(last.rows[0]).toEqual({ day: '2018-02-07', n: 3 });
    // The monitor needs the day's close: the data's last day itself.
    const m = await runTillerToEnd(['run', 'monitor'], env);
    expect(m.stderr).toContain('tiller: the csv market data ends 2018-02-07; running monitor for 2018-02-07 (--day runs another day)');
    expect(m.code).toBe(0);
  }, 120_000);

  it('a first start on an empty database stores the recorded data and makes the picks of its last bar by itself', async () => {
    const fresh = await createTestDatabase();
    const proc = startTiller(['start'], { ...env, DATABASE_URL: fresh.url, PORT: String(await freePort()), LOG_LEVEL: 'info' });
    try {
      // Within the first minute: the wait's own bound (a timed assertion beside it could not fail on its own).
      await eventually(() => (proc.stderr().includes('first run done') ? true : undefined), 60_000, 'the first run to finish');
      expect(proc.stderr()).toContain('first run on recorded data (csv, ending 2018-02-07)');
      const sql = new pg.Client({ connectionString: fresh.url });
      await sql.connect();
      try {
        const picks = await sql.query<{ day: string; n: number }>("select to_char(day, 'YYYY-MM-DD') as day, count(*)::int as n from picks group by day");
        expect(picks.rows).toHaveLength(1);
        expect(picks.rows[0]!.day).toBe('2018-02-08');
        expect(picks.rows[0]!.n).toBeGreaterThan(0);
      } finally {
        await sql.end();
      }
    } finally {
      await proc.kill('SIGTERM');
      await fresh.drop();
    }
  }, 120_000);

  it('a failing job exits 1 with one line naming the failure; LOG_LEVEL=debug adds the stack', async () => {
    const r = await runTillerToEnd(['run', 'pipeline', '--day', '2026-12-01'], env);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.at(-2)).toMatch(/^tiller: pipeline step validation failed: no symbol has a bar for 2026-11-30/);
    expect(lines.at(-1)).toBe('(LOG_LEVEL=debug prints the stack)');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const debug = await runTillerToEnd(['run', 'pipeline', '--day', '2026-12-01'], { ...env, LOG_LEVEL: 'debug' });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^\s+at /m);
  }, 120_000);
});
