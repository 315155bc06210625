/** `tiller run` as a newcomer meets it offline: on recorded data that ends years ago, a run without
 * `--day` runs on the data's last day and says so; a job that fails exits non-zero with one line (the stack
 * only with LOG_LEVEL=debug). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { runTillerToEnd, SP500_DIR } from '../helpers/tiller-process.js';

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

  it('without --day runs on the last day of the data and says so', async () => {
    const r = await runTillerToEnd(['run', 'pipeline'], env);
    expect(r.stderr).toContain('tiller: the csv market data ends 2018-02-07; running pipeline for 2018-02-07 (--day runs another day)');
    expect(r.code).toBe(0);
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
