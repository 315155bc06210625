/** The schedule from config, per market: the next runs as the real Agenda on real PostgreSQL computes them from
 * each market's entries and time zone (across a weekend and both New York DST changes, NSE's zone without DST,
 * crypto every day), and what the real job handlers do on the days they fire: skip an NYSE holiday, an NSE
 * holiday (from the exchange's circular) and a weekend, and send the weekly report on the Thursday before
 * Good Friday. */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { forEveryJob, type JobName } from '../../jobs/daily-jobs.js';
import { Scheduler } from '../../jobs/scheduler.js';
import { MemoryEventBus } from '../../src/adapters/memory/memory-event-bus.js';
import { AlertService } from '../../src/alerts/alert.service.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { App } from '../../src/main.js';
import { holidayListGap } from '../../src/market/calendar.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { createRepositories } from '../../db/repositories/index.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { openMigratedDatabase } from '../helpers/database.js';

const configOf = (market: string | null, extra: Record<string, string> = {}): AppConfig =>
  loadConfig({ env: { ...(market ? { TILLER_MARKET: market } : {}), ...extra }, dotenvDir: null });

describe('schedule per market', () => {
  let t: Awaited<ReturnType<typeof openMigratedDatabase>>;
  beforeAll(async () => {
    t = await openMigratedDatabase();
  });
  afterAll(() => t.drop());
  afterEach(() => vi.useRealTimers());

  /** Each job's next run (UTC) as Agenda stores it when its scheduler starts at `now`. */
  async function nextRuns(config: AppConfig, now: string): Promise<Record<JobName, string>> {
    await t.handle.pool.query('delete from agenda_jobs');
    vi.useFakeTimers({ toFake: ['Date'], now: new Date(now), shouldAdvanceTime: true });
    const repos = createRepositories(t.handle.db, t.handle.pool);
    const deps = { alerts: new AlertService(repos.outbox, new MemoryEventBus(), () => [], repos.subscriptions), log: createLogger('silent'), clock: new ManualClock(new Date(now)), runs: repos.jobRuns, worker: 'test:1' };
    const scheduler = new Scheduler(t.handle.pool, forEveryJob(() => async () => undefined), deps, { schedule: config.schedule, timezone: config.market.timezone, processEveryMs: 60_000 });
    await scheduler.start();
    await scheduler.stop();
    vi.useRealTimers();
    const rows = await t.handle.pool.query<{ name: JobName; next_run_at: Date }>('select name, next_run_at from agenda_jobs');
    return Object.fromEntries(rows.rows.map((r) => [r.name, r.next_run_at.toISOString().slice(0, 16)])) as Record<JobName, string>;
  }

  it('New York: after a Friday close the next runs are Monday at the same wall-clock time, an hour earlier in UTC once DST starts, an hour later once it ends', async () => {
    const us = configOf(null);
    // Friday 2026-03-06 18:00 EST; clocks go forward on Sunday 2026-03-08 at 02:00.
    expect(await nextRuns(us, '2026-03-06T23:00:00Z')).toEqual({
      train: '2026-03-07T11:00', // Saturday 06:00 EST
      cleanup: '2026-03-08T08:30', // Sunday 04:30, already EDT
      symbols: '2026-03-09T11:00', // Monday 07:00 EDT
      pipeline: '2026-03-09T12:00', picks: '2026-03-09T12:30', trade: '2026-03-09T13:30', monitor: '2026-03-09T20:05',
      snapshot: '2026-03-09T20:15', report: '2026-03-09T20:30', weekly: '2026-03-09T20:45',
    });
    // Friday 2026-10-30 18:00 EDT; clocks go back on Sunday 2026-11-01 at 02:00.
    const fall = await nextRuns(us, '2026-10-30T22:00:00Z');
    expect([fall.train, fall.cleanup, fall.symbols, fall.trade, fall.report]).toEqual([
      '2026-10-31T10:00', '2026-11-01T09:30', '2026-11-02T12:00', '2026-11-02T14:30', '2026-11-02T21:30',
    ]);
  });

  it('NSE runs in Asia/Kolkata (no DST) Monday to Friday; crypto runs every day in UTC', async () => {
    // Friday 2026-03-06 17:30 IST.
    const nse = await nextRuns(configOf('nse'), '2026-03-06T12:00:00Z');
    expect([nse.symbols, nse.pipeline, nse.trade, nse.monitor, nse.weekly]).toEqual([
      '2026-03-09T01:30', '2026-03-09T02:30', '2026-03-09T03:45', '2026-03-09T10:05', '2026-03-09T10:45',
    ]);
    // Saturday 2026-03-07 12:00 UTC: the next trade is on Sunday.
    const crypto = await nextRuns(configOf('crypto'), '2026-03-07T12:00:00Z');
    expect([crypto.monitor, crypto.pipeline, crypto.trade, crypto.train, crypto.symbols]).toEqual([
      '2026-03-07T23:55', '2026-03-08T00:05', '2026-03-08T00:30', '2026-03-08T03:00', '2026-03-09T00:00',
    ]);
  });

  it('an equities market without next year\'s holidays in December is warned about', () => {
    expect(holidayListGap(configOf(null).market, '2026-12-03')).toBeNull(); // NYSE 2027 is listed
    expect(holidayListGap(configOf('nse').market, '2026-11-30')).toBeNull();
    expect(holidayListGap(configOf('nse').market, '2026-12-03')).toMatch(/^market\.holidays lists no day in 2027/);
    expect(holidayListGap(configOf('crypto').market, '2031-12-03')).toBeNull();
  });
});

describe('the job handlers on the days the schedule fires', () => {
  const apps: TestApp[] = [];
  async function open(market: string | null): Promise<App> {
    const t = await openTestApp({ env: market ? { TILLER_MARKET: market } : {}, clock: new ManualClock(new Date('2026-01-19T15:00:00Z')) });
    apps.push(t);
    return t.app;
  }
  afterAll(async () => {
    for (const t of apps) await t.close();
  });

  it('NYSE: a holiday and a weekend are skipped by every trading job; the weekly report goes out on the Thursday before Good Friday', async () => {
    const app = await open(null);
    for (const job of ['pipeline', 'picks', 'trade', 'monitor', 'snapshot', 'report', 'weekly'] as const) {
      expect(await app.handlers[job]('2026-01-19', 'schedule'), job).toEqual({ skipped: '2026-01-19 is not a trading day' }); // Martin Luther King Jr. Day
      expect(await app.handlers[job]('2026-03-07', 'schedule'), job).toEqual({ skipped: '2026-03-07 is not a trading day' }); // Saturday
    }
    expect(await app.handlers.weekly('2026-04-01', 'schedule')).toEqual({ skipped: '2026-04-01 is not the last trading day of its week' });
    expect(await app.handlers.weekly('2026-04-02', 'schedule')).toMatchObject({ type: 'weekly_report', from: '2026-03-30', to: '2026-04-02' });
    expect(await app.handlers.weekly('2026-04-03', 'schedule')).toEqual({ skipped: '2026-04-03 is not a trading day' });
    const keys = await app.db.db.selectFrom('alert_outbox').select('dedupe_key').where('type', '=', 'weekly_report').execute();
    expect(keys.map((k) => k.dedupe_key)).toEqual(['weekly_report:2026-04-02']);
  });

  it('NSE: Holi and Diwali-Balipratipada (NSE/CMTR/71775) and a municipal-election closure are skipped; an ordinary Monday is traded', async () => {
    const app = await open('nse');
    for (const day of ['2026-03-03', '2026-11-10', '2026-01-15']) {
      expect(await app.handlers.trade(day, 'schedule')).toEqual({ skipped: `${day} is not a trading day` });
      expect(await app.handlers.weekly(day, 'schedule')).toEqual({ skipped: `${day} is not a trading day` });
    }
    // The week of Good Friday (2026-04-03, an NSE holiday too) reports on Thursday.
    expect(await app.handlers.weekly('2026-04-02', 'schedule')).toMatchObject({ type: 'weekly_report', to: '2026-04-02' });
    // 2026-03-02 is a trading day: the handler does the work (a trade cycle with no picks) instead of skipping.
    expect(await app.handlers.trade('2026-03-02', 'schedule')).toMatchObject({ day: '2026-03-02', skipped: 'no conservative picks for 2026-03-02' });
  });
});
