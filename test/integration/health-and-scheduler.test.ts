/** /health names what is down (real PostgreSQL, a Redis that is not there); the Agenda scheduler on real
 * PostgreSQL stores the schedule from config in the market's time zone and runs a job it is given. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpServer } from '../../bots/http/http.server.js';
import { RedisCache } from '../../db/redis.js';
import { createRepositories } from '../../db/repositories/index.js';
import { forEveryJob, type JobHandler, type JobName } from '../../jobs/daily-jobs.js';
import { Scheduler } from '../../jobs/scheduler.js';
import { CsvMarketData } from '../../src/adapters/market-data/csv.market-data.js';
import { MemoryEventBus } from '../../src/adapters/memory/memory-event-bus.js';
import { AlertService } from '../../src/alerts/alert.service.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { openMigratedDatabase } from '../helpers/database.js';
import { eventually } from '../helpers/tiller-process.js';

describe('health and scheduler', () => {
  let t: Awaited<ReturnType<typeof openMigratedDatabase>>;
  beforeAll(async () => {
    t = await openMigratedDatabase();
  });
  afterAll(() => t.drop());

  it('answers 200 when all is up and 503 naming the part that is down', async () => {
    const repos = createRepositories(t.handle.db, t.handle.pool);
    const up = buildHttpServer([{ name: 'database', check: () => repos.probe() }]);
    expect((await up.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok', down: [], checks: { database: 'ok' } });
    const deadRedis = new RedisCache('redis://127.0.0.1:1');
    const down = buildHttpServer([{ name: 'database', check: () => repos.probe() }, { name: 'cache', check: () => deadRedis.probe() }]);
    const res = await down.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'down', down: ['cache'], checks: { database: 'ok' } });
    await deadRedis.close().catch(() => undefined);
    const noData = buildHttpServer([{ name: 'market_data', check: () => new CsvMarketData('/nonexistent/tiller-data', 'AAPL').probe() }]);
    const nd = await noData.inject({ method: 'GET', url: '/health' });
    expect(nd.statusCode).toBe(503);
    expect(nd.json()).toMatchObject({ down: ['market_data'], checks: { market_data: 'market data directory /nonexistent/tiller-data is missing' } });
    const metrics = await up.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toContain('# TYPE tiller_commands_total counter');
  });

  it('stores every job of the schedule with its cron and time zone, and runs a triggered job', async () => {
    const repos = createRepositories(t.handle.db, t.handle.pool);
    const clock = new ManualClock(new Date('2017-03-01T14:30:00Z'));
    const calls: Array<[JobName, string]> = [];
    const handler = (name: JobName): JobHandler => async (day) => { calls.push([name, day]); };
    const handlers = forEveryJob(handler);
    const schedule = loadConfig({ env: {}, dotenvDir: null }).schedule;
    const deps = { alerts: new AlertService(repos.outbox, new MemoryEventBus(), () => [], repos.subscriptions), log: createLogger('silent'), clock, runs: repos.jobRuns, worker: 'test:1' };
    const scheduler = new Scheduler(t.handle.pool, handlers, deps, { schedule, timezone: 'America/New_York', processEveryMs: 200 });
    await scheduler.start();
    try {
      const rows = await t.handle.pool.query<{ name: string; repeat_interval: string; repeat_timezone: string }>(
        'select name, repeat_interval, repeat_timezone from agenda_jobs order by name');
      expect(rows.rows).toEqual([
        { name: 'cleanup', repeat_interval: '30 4 * * 0', repeat_timezone: 'America/New_York' },
        { name: 'monitor', repeat_interval: '5 16 * * 1-5', repeat_timezone: 'America/New_York' },
        { name: 'picks', repeat_interval: '30 8 * * 1-5', repeat_timezone: 'America/New_York' },
        { name: 'pipeline', repeat_interval: '0 8 * * 1-5', repeat_timezone: 'America/New_York' },
        { name: 'report', repeat_interval: '30 16 * * 1-5', repeat_timezone: 'America/New_York' },
        { name: 'snapshot', repeat_interval: '15 16 * * 1-5', repeat_timezone: 'America/New_York' },
        { name: 'symbols', repeat_interval: '0 7 * * 1', repeat_timezone: 'America/New_York' },
        { name: 'trade', repeat_interval: '30 9 * * 1-5', repeat_timezone: 'America/New_York' },
        { name: 'train', repeat_interval: '0 6 * * 6', repeat_timezone: 'America/New_York' },
        { name: 'weekly', repeat_interval: '45 16 * * 1-5', repeat_timezone: 'America/New_York' },
      ]);
      expect(calls).toEqual([]);
      await scheduler.triggerNow('picks');
      await eventually(() => (calls.length > 0 ? true : undefined), 15_000, 'triggered job');
      expect(calls).toEqual([['picks', '2017-03-01']]);
    } finally {
      await scheduler.stop();
    }
  });

  it('renews the lock of a running job: a job that outlasts the lock lifetime on a live worker is not run again by another', async () => {
    const repos = createRepositories(t.handle.db, t.handle.pool);
    const clock = new ManualClock(new Date('2017-03-01T14:30:00Z'));
    let runs = 0;
    const slow: JobHandler = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 4_000)); // twice the lock lifetime below
    };
    const deps = { alerts: new AlertService(repos.outbox, new MemoryEventBus(), () => [], repos.subscriptions), log: createLogger('silent'), clock, runs: repos.jobRuns, worker: 'test:1' };
    const opts = { schedule: loadConfig({ env: {}, dotenvDir: null }).schedule, timezone: 'America/New_York', processEveryMs: 100, lockLifetimeMs: 2_000 };
    const workers = [new Scheduler(t.handle.pool, forEveryJob(() => slow), deps, opts), new Scheduler(t.handle.pool, forEveryJob(() => slow), deps, opts)];
    for (const w of workers) await w.start();
    try {
      await workers[0]!.triggerNow('cleanup', { day: '2017-03-01', trigger: 'renewal-test' });
      await eventually(async () => ((await repos.jobRuns.outcomeOf('cleanup', '2017-03-01', 'renewal-test'))?.outcome === 'success' ? true : undefined), 20_000, 'the slow run');
      await new Promise((r) => setTimeout(r, 1_000)); // a takeover would have started by now
      expect(runs).toBe(1);
    } finally {
      for (const w of workers) await w.stop();
    }
  });
});
