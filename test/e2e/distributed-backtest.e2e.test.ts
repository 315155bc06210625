/** Walk-forward work shared by several processes: two real `tiller worker` processes and the real
 * `tiller backtest --walk-forward --distribute` on one PostgreSQL split the window backtests between them
 * through Agenda, and the result equals the same walk-forward run in one process. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startWorkers, storeUniverse } from '../helpers/shared-work.js';
import { runTillerToEnd, SP500_DIR, type TillerProcess } from '../helpers/tiller-process.js';

const WF = ['backtest', '--from', '2015-06-01', '--to', '2017-05-31', '--profile', 'aggressive', '--walk-forward', '--train-months', '12', '--test-months', '6'];

describe('walk-forward shared by several workers', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  const workers: TillerProcess[] = [];
  const varDir = path.join('/tmp', `tiller-wf-${process.pid}`);

  beforeAll(async () => {
    db = await createTestDatabase();
    env = { DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, CONSOLE_CHAT: 'off', TILLER_VAR_DIR: varDir, LOG_LEVEL: 'info' };
    await storeUniverse(env);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await db?.drop();
  });

  it('two `tiller worker` processes each run part of it; the windows equal a one-process run', async () => {
    const alone = await runTillerToEnd([...WF, '--out', path.join(varDir, 'alone')], env);
    expect(alone.code, alone.stderr).toBe(0);

    workers.push(...await startWorkers(2, env));
    const shared = await runTillerToEnd([...WF, '--distribute', '--out', path.join(varDir, 'shared')], env);
    expect(shared.code, shared.stderr).toBe(0);

    const read = (dir: string) => JSON.parse(readFileSync(path.join(varDir, dir, 'walk-forward.json'), 'utf8')) as { windows: unknown[]; outOfSampleReturn: number; ranOn: string };
    const a = read('alone');
    const b = read('shared');
    expect(a.ranOn).toBe('in-process');
    expect(b.windows).toEqual(a.windows);
    expect(b.outOfSampleReturn).toBe(a.outOfSampleReturn);
    expect(a.windows).toHaveLength(2);

    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      const { rows } = await sql.query<{ worker: string; n: string; status: string }>(
        'select worker, status, count(*) as n from backtest_sweep_tasks group by worker, status order by worker',
      );
      expect(rows.every((r) => r.status === 'done')).toBe(true);
      expect(rows.reduce((s, r) => s + Number(r.n), 0)).toBe(2 * 18 + 2);
      const pids = workers.map((w) => `:${w.child.pid}`);
      for (const pid of pids) expect(rows.some((r) => r.worker.endsWith(pid)), `worker ${pid} ran no task: ${JSON.stringify(rows)}`).toBe(true);
      expect(b.ranOn).toMatch(/^Agenda queue: /);
      for (const r of rows) expect(b.ranOn).toContain(`${r.worker} ran ${r.n}`);
      const left = await sql.query('select count(*)::int as n from agendajobs where name = $1', ['backtest-sweep-task']).catch(() => null);
      if (left) expect(left.rows[0].n).toBe(0);
    } finally {
      await sql.end();
    }
  }, 300_000);
});
