/** The cleanup job on real PostgreSQL and real files: records and files older than their retention go, newer
 * ones, alerts still waiting for delivery, unfinished queued runs, the schedule's own entries and report
 * folders outside Tiller's var folder stay. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories } from '../../db/repositories/index.js';
import { forEveryJob, JOB_NAMES } from '../../jobs/daily-jobs.js';
import { Scheduler } from '../../jobs/scheduler.js';
import { loadConfig } from '../../src/config.js';
import { runJob } from '../../jobs/job-runner.js';
import { MemoryEventBus } from '../../src/adapters/memory/memory-event-bus.js';
import { AlertService } from '../../src/alerts/alert.service.js';
import { createLogger } from '../../src/logger.js';
import { CleanupService } from '../../src/ops/cleanup.service.js';
import { systemClock } from '../../src/ports/clock.port.js';
import type { Repositories } from '../../src/ports/repositories.port.js';
import { openMigratedDatabase } from '../helpers/database.js';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);
const RETENTION = { jobRunsDays: 90, alertsDays: 30, queuedJobsDays: 7, backtestsDays: 90, chartsDays: 7, picksExportsDays: 365 };

describe('cleanup job', () => {
  let t: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let repos: Repositories;
  const varDir = mkdtempSync(path.join(tmpdir(), 'tiller-cleanup-'));
  const elsewhere = mkdtempSync(path.join(tmpdir(), 'tiller-own-report-'));

  beforeAll(async () => {
    t = await openMigratedDatabase();
    repos = createRepositories(t.handle.db, t.handle.pool);
  });
  afterAll(async () => {
    await t?.drop();
    rmSync(varDir, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it('removes what is older than its retention and keeps everything else', async () => {
    const db = t.handle.db;
    const log = createLogger('silent');
    // Job runs: 100 days old and yesterday's.
    for (const [job, at] of [['pipeline', ago(100)], ['pipeline', ago(1)]] as const) {
      const id = await repos.jobRuns.start(job, '2026-01-01', 'test', at, 'test:1');
      await repos.jobRuns.finish(id, 'success', null, at);
    }
    // Alerts: one delivered 40 days ago, one raised 40 days ago and still pending, one delivered yesterday.
    const alerts = new AlertService(repos.outbox, new MemoryEventBus(), () => [{ transport: 'telegram', chatId: '-1' }], repos.subscriptions);
    for (const key of ['old-delivered', 'old-pending', 'new-delivered']) {
      await alerts.raise({ type: 'job_failed', job: key, error: 'x', at: '2026-01-01T00:00:00Z' }, key);
    }
    const deliveries = await db.selectFrom('alert_deliveries').innerJoin('alert_outbox', 'alert_outbox.id', 'alert_deliveries.outbox_id').select(['alert_deliveries.id', 'dedupe_key']).execute();
    const idOf = (key: string) => deliveries.find((d) => d.dedupe_key === key)!.id;
    await repos.outbox.markDelivered(idOf('old-delivered'), ago(40));
    await repos.outbox.markDelivered(idOf('new-delivered'), ago(1));
    await sql`update alert_outbox set created_at = now() - interval '40 days' where dedupe_key in ('old-delivered', 'old-pending')`.execute(db);
    await sql`update alert_deliveries set next_attempt_at = now() - interval '40 days' where id = ${idOf('old-pending')}`.execute(db);
    // Agenda: the schedule's entries, and three runs queued for now: finished 10 days ago, yesterday, not yet.
    const handler = async () => undefined;
    const handlers = forEveryJob(() => handler);
    const schedule = loadConfig({ env: {}, dotenvDir: null }).schedule;
    const deps = { alerts, log, clock: systemClock, runs: repos.jobRuns, worker: 'test:1' };
    const scheduler = new Scheduler(t.handle.pool, handlers, deps, { schedule, timezone: 'America/New_York', processEveryMs: 60_000 });
    await scheduler.start(); // writes the repeating entries
    await scheduler.stop();
    for (const trigger of ['old', 'new', 'waiting']) await scheduler.triggerNow('report', { day: '2026-01-01', trigger });
    await sql`update agenda_jobs set last_finished_at = now() - interval '10 days' where data->>'trigger' = 'old'`.execute(db);
    await sql`update agenda_jobs set last_finished_at = now() - interval '1 day' where data->>'trigger' = 'new'`.execute(db);
    // Backtests: an old run reported under var/backtests, an old one written to the user's own folder, a new one.
    const report = (dir: string) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'report.json'), '{}');
      return dir;
    };
    const runs = [
      { id: 'bt-old', at: ago(120), dir: report(path.join(varDir, 'backtests', 'bt-old')) },
      { id: 'bt-own', at: ago(120), dir: report(path.join(elsewhere, 'mine')) },
      { id: 'bt-new', at: ago(2), dir: report(path.join(varDir, 'backtests', 'bt-new')) },
    ];
    for (const r of runs) {
      await sql`insert into backtest_runs (id, requested_by, started_at, finished_at, status, from_day, to_day, strategy, profile, metrics, dir, error)
        values (${r.id}, 'test', ${r.at}, ${r.at}, 'succeeded', '2017-01-03', '2017-02-01', 'baseline', 'conservative', '{}', ${r.dir}, null)`.execute(db);
    }
    // Console charts: 10 days old and new.
    mkdirSync(path.join(varDir, 'charts'), { recursive: true });
    for (const [name, days] of [['old.png', 10], ['new.png', 0]] as const) {
      const f = path.join(varDir, 'charts', name);
      writeFileSync(f, 'png');
      utimesSync(f, ago(days), ago(days));
    }
    // Picks exports: named for their day, one over a year old; a file of the user's own is left alone.
    const picksDir = path.join(varDir, 'exports', 'picks');
    mkdirSync(picksDir, { recursive: true });
    const dayAgo = (days: number) => ago(days).toISOString().slice(0, 10);
    for (const name of [`${dayAgo(400)}.csv`, `${dayAgo(300)}.csv`, 'notes.csv']) writeFileSync(path.join(picksDir, name), 'day,profile\n');

    const cleanup = new CleanupService({ repo: repos.retention, clock: systemClock, log, retention: RETENTION, varDir });
    const result = await runJob(deps, 'cleanup', '2026-01-04', () => cleanup.run(), 'test');
    expect(result).toEqual({ jobRuns: 1, alertDeliveries: 1, alerts: 1, queuedJobs: 1, backtests: 2, backtestFolders: 1, charts: 1, picksExports: 1 });

    const jobRuns = await db.selectFrom('job_runs').select(['job', 'started_at']).execute();
    expect(jobRuns.map((r) => r.job).sort()).toEqual(['cleanup', 'pipeline']); // yesterday's, and this run
    expect((await db.selectFrom('alert_outbox').select('dedupe_key').orderBy('dedupe_key').execute()).map((r) => r.dedupe_key)).toEqual(['new-delivered', 'old-pending']);
    expect(await repos.outbox.countPending()).toBe(1);
    const agenda = await sql<{ name: string; trigger: string | null }>`select name, data->>'trigger' as trigger from agenda_jobs order by name, trigger`.execute(db);
    expect(agenda.rows.filter((r) => r.trigger !== null).map((r) => r.trigger).sort()).toEqual(['new', 'waiting']);
    expect(agenda.rows.filter((r) => r.trigger === null)).toHaveLength(JOB_NAMES.length); // the schedule's entries
    expect((await db.selectFrom('backtest_runs').select('id').execute()).map((r) => r.id)).toEqual(['bt-new']);
    expect([existsSync(runs[0]!.dir), existsSync(runs[1]!.dir), existsSync(runs[2]!.dir)]).toEqual([false, true, true]);
    expect([existsSync(path.join(varDir, 'charts', 'old.png')), existsSync(path.join(varDir, 'charts', 'new.png'))]).toEqual([false, true]);
    expect(readdirSync(picksDir).sort()).toEqual([`${dayAgo(300)}.csv`, 'notes.csv']);

    // Run again: nothing left to remove.
    expect(await cleanup.run()).toEqual({ jobRuns: 0, alertDeliveries: 0, alerts: 0, queuedJobs: 0, backtests: 0, backtestFolders: 0, charts: 0, picksExports: 0 });
  });
});
