/** Walk-forward training shared by several workers: two real `tiller worker` processes and the real
 * `tiller train --report --distribute` on one PostgreSQL split the (family, fold) tasks between them
 * through Agenda, and the evaluation table equals the same run in one process, figure for figure. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startWorkers, storeUniverse } from '../helpers/shared-work.js';
import { SP500_DIR, startTiller, type TillerProcess } from '../helpers/tiller-process.js';

// Short test spans make many small tasks; kline (few samples) stands for the networks.
const MODELS = 'models:\n  trainDays: 200\n  testDays: 42\n  families: [trees-forest, kline]\n  samples: 512\n  epochs: 1\n';

async function runToEnd(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = startTiller(args, env);
  const code = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/** The table's rows without the timing column, and without the timing line. */
const figures = (out: string) => out.split('\n').filter((l) => /^(baseline|rule|trees|kline|ensemble)/.test(l)).map((l) => l.replace(/\s+[\d.]+$/, ''));

describe('walk-forward training shared by several workers', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  const workers: TillerProcess[] = [];
  const varDir = path.join('/tmp', `tiller-train-${process.pid}`);

  beforeAll(async () => {
    db = await createTestDatabase();
    mkdirSync(varDir, { recursive: true });
    writeFileSync(path.join(varDir, 'own.yaml'), MODELS);
    env = { DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, CONSOLE_CHAT: 'off', TILLER_VAR_DIR: varDir, LOG_LEVEL: 'info', TILLER_CONFIG: path.join(varDir, 'own.yaml') };
    await storeUniverse(env);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await db?.drop();
  });

  it('two `tiller worker` processes each train some folds; the table equals a one-process run', async () => {
    const alone = await runToEnd(['train', '--report'], env);
    expect(alone.code, alone.stderr).toBe(0);
    const expected = figures(alone.stdout);
    expect(expected.length).toBeGreaterThan(20);

    workers.push(...await startWorkers(2, env));
    const shared = await runToEnd(['train', '--report', '--distribute'], env);
    expect(shared.code, shared.stderr).toBe(0);
    expect(figures(shared.stdout)).toEqual(expected);

    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      const { rows } = await sql.query<{ worker: string; n: string; status: string }>('select worker, status, count(*) as n from training_tasks group by worker, status order by worker');
      // Once collected, the scores are dropped; the records of who ran what stay.
      expect((await sql.query<{ n: number }>('select count(*)::int as n from training_tasks where scores is not null')).rows[0]!.n).toBe(0);
      expect(rows.every((r) => r.status === 'done')).toBe(true);
      const folds = expected.filter((l) => l.startsWith('kline') && !/ all /.test(l)).length;
      expect(rows.reduce((s, r) => s + Number(r.n), 0)).toBe(2 * folds);
      for (const w of workers) expect(rows.some((r) => r.worker.endsWith(`:${w.child.pid}`)), `worker ${w.child.pid} ran no task: ${JSON.stringify(rows)}`).toBe(true);
      const ranOn = /^training folds ran on: (.*)$/m.exec(shared.stdout)?.[1] ?? '';
      for (const r of rows) expect(ranOn).toContain(`${r.worker} ran ${r.n}`);
    } finally {
      await sql.end();
    }
  }, 400_000);
});
