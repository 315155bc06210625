/** Several `tiller worker` processes share the job table: three real workers on one real PostgreSQL, a full
 * pipeline run and 300 queued monitor runs. The worker running the pipeline is killed mid-job (SIGKILL): its
 * lock expires and another worker finishes the job, resuming the cut-off pipeline run; every queued run
 * ran exactly once, spread over the workers. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_NAMES } from '../../jobs/daily-jobs.js';
import { Scheduler } from '../../jobs/scheduler.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createApp, type App } from '../../src/main.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startWorkers } from '../helpers/shared-work.js';
import { eventually, SP500_DIR, type TillerProcess } from '../helpers/tiller-process.js';

const LOCK_MS = 30_000;
const MONITOR_RUNS = 300;
/** The pipeline of a day stores bars up to the trading day before it: here the last recorded one, 2018-02-07. */
const DAY = '2018-02-08';
const LAST_BAR = '2018-02-07';
const NEVER = '0 0 1 1 *'; // no scheduled run interferes: every run here is queued by the test

describe('jobs shared by several workers', () => {
  let db: TestDatabase;
  let app: App;
  let sql: pg.Client;
  let queue: Scheduler | undefined;
  const workers: TillerProcess[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'tiller-workers-'));

  beforeAll(async () => {
    db = await createTestDatabase();
    const file = path.join(dir, 'workers.yaml');
    writeFileSync(file, [
      'marketData:', '  historyDays: 2000',
      'jobs:', `  lockLifetimeMs: ${LOCK_MS}`, '  pollMs: 200',
      'schedule:', ...JOB_NAMES.map((j) => `  ${j}: "${NEVER}"`), '',
    ].join('\n'));
    const env = { DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, CONSOLE_CHAT: 'off', TILLER_VAR_DIR: dir, TILLER_CONFIG: file, LOG_LEVEL: 'info' };
    workers.push(...await startWorkers(3, env));
    app = await createApp(loadConfig({ env, dotenvDir: null }), { log: createLogger('silent') });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await queue?.stop(); // its notification channel holds a connection of the app's pool
    await sql?.end();
    await app?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every queued job exactly once; a job whose worker is killed is finished by another after its lock expires', async () => {
    // Queued the way /run and the API queue them: Agenda rows on the shared table, taken by whichever worker.
    queue = new Scheduler(app.db.pool, app.handlers, app.jobDeps, { schedule: app.config.schedule, timezone: app.config.market.timezone });
    await queue.triggerNow('pipeline', { day: DAY, trigger: 'test-pipeline' });
    const first = await eventually(async () => (await sql.query<{ worker: string; started_at: Date }>(
      "select worker, started_at from job_runs where job = 'pipeline'")).rows[0], 60_000, 'a worker to start the pipeline');
    const victim = workers.find((w) => first.worker.endsWith(`:${w.child.pid}`))!;
    expect(victim, `pipeline started on ${first.worker}`).toBeDefined();
    for (let i = 0; i < MONITOR_RUNS; i++) await queue.triggerNow('monitor', { day: DAY, trigger: `test-monitor-${i}` });
    // Mid-job: the full 505-symbol history is still being stored.
    await eventually(async () => Number((await sql.query<{ n: string }>('select count(*) as n from candles')).rows[0]!.n) > 0 || undefined, 60_000, 'the first candles');
    const still = await sql.query("select 1 from job_runs where job = 'pipeline' and finished_at is null");
    expect(still.rowCount, 'the pipeline was still running when its worker was killed').toBe(1);
    await victim.kill('SIGKILL');
    const killedAt = Date.now();

    // Everything finishes on the two workers left.
    await eventually(async () => {
      const r = await sql.query<{ n: string }>("select count(*) as n from job_runs where outcome = 'success'");
      return Number(r.rows[0]!.n) === MONITOR_RUNS + 1 || undefined;
    }, 5 * 60_000, 'every queued run to finish');

    // Each queued run succeeded once. The only other runs are ones the killed worker had started (it runs two
    // jobs at once) and never finished: those were taken over like the pipeline.
    const monitor = await sql.query<{ trigger: string; ok: string; cut: string; other: string; worker: string }>(
      `select trigger, count(*) filter (where outcome = 'success') as ok,
         count(*) filter (where outcome = 'running' and worker = $1) as cut,
         count(*) filter (where outcome <> 'success' and not (outcome = 'running' and worker = $1)) as other,
         min(worker) filter (where outcome = 'success') as worker
       from job_runs where job = 'monitor' group by trigger`, [first.worker]);
    expect(monitor.rows).toHaveLength(MONITOR_RUNS);
    const odd = monitor.rows.filter((r) => Number(r.ok) !== 1 || Number(r.other) !== 0);
    expect(odd, JSON.stringify((await sql.query("select trigger, outcome, worker, error from job_runs where trigger = any($1)", [odd.map((r) => r.trigger)])).rows)).toEqual([]);
    expect(monitor.rows.filter((r) => Number(r.cut) > 0).every((r) => r.worker !== first.worker)).toBe(true);
    const byWorker = new Map<string, number>();
    for (const r of monitor.rows) byWorker.set(r.worker, (byWorker.get(r.worker) ?? 0) + 1);
    expect(byWorker.size, JSON.stringify([...byWorker])).toBeGreaterThanOrEqual(2);

    // The pipeline: the killed worker's run never finished; another worker took the job over once its lock
    // expired, and resumed the cut-off pipeline run instead of starting over.
    const runs = (await sql.query<{ worker: string; outcome: string; started_at: Date }>(
      "select worker, outcome, started_at from job_runs where job = 'pipeline' order by id")).rows;
    expect(runs.map((r) => r.outcome)).toEqual(['running', 'success']);
    expect(runs[0]!.worker).toBe(first.worker);
    expect(runs[1]!.worker).not.toBe(first.worker);
    expect(runs[1]!.started_at.getTime() - runs[0]!.started_at.getTime()).toBeGreaterThanOrEqual(LOCK_MS - 1000);
    expect(runs[1]!.started_at.getTime()).toBeGreaterThan(killedAt - 1000);
    const pipe = (await sql.query<{ status: string; resumed: number }>('select status, resumed from pipeline_runs order by id')).rows;
    expect(pipe).toEqual([{ status: 'succeeded', resumed: 1 }]);
    // Nothing lost or doubled: every recorded bar stored once (the primary key would refuse a second copy).
    const candles = await sql.query<{ n: string; symbols: string }>('select count(*) as n, count(distinct symbol) as symbols from candles');
    expect([Number(candles.rows[0]!.n), Number(candles.rows[0]!.symbols)]).toEqual([619_017, 505]);
    const features = await sql.query<{ bars: string; features: string }>(
      'select (select count(*) from candles where day = $1) as bars, (select count(*) from indicators where day = $1) as features', [LAST_BAR]);
    expect(Number(features.rows[0]!.bars)).toBeGreaterThan(490);
    expect(Number(features.rows[0]!.features)).toBe(Number(features.rows[0]!.bars));
    // Agenda has no queued run left over (the repeating schedule entries are the only unfinished rows).
    const left = await sql.query<{ queued: string; finished: string }>(`select count(*) filter (where last_finished_at is null) as queued,
      count(*) filter (where last_finished_at is not null) as finished from agenda_jobs where repeat_interval is null`);
    expect([Number(left.rows[0]!.queued), Number(left.rows[0]!.finished)]).toEqual([0, MONITOR_RUNS + 1]);
  }, 8 * 60_000);
});
