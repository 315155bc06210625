/** The Agenda scheduler on PostgreSQL: one repeating job per entry of the schedule table (config), in the
 * market's time zone. Several workers share the table through row locks; a crashed worker's lock expires
 * after `lockLifetime`. A job asked for now (chat `/run`, the API) is queued on the same table, so the same
 * locks apply; whichever started scheduler takes it (a process that only queues never starts its own). */
import { Agenda } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type pg from 'pg';
import type { AppConfig } from '../src/config.js';
import { instantAt, tradingDayOf } from '../src/market/market-time.js';
import { cronTimeOfDay } from '../src/market/schedule-time.js';
import { isPinnable } from '../src/ports/clock.port.js';
import { JOB_NAMES, type JobHandler, type JobName } from './daily-jobs.js';
import { runJob, type JobRunnerDeps } from './job-runner.js';

/** What a job queued for now carries: the trading day it runs for and who asked (for /jobs and the log). */
export interface QueuedRun {
  day: string;
  trigger: string;
}

export interface SchedulerOptions {
  schedule: AppConfig['schedule'];
  timezone: string;
  processEveryMs?: number;
  lockLifetimeMs?: number;
}

/** When a daily entry ("M H * * days") runs on `day`, or null for an entry without a fixed time of day. */
function scheduledInstant(cron: string, day: string, timezone: string): Date | null {
  try {
    return instantAt(day, cronTimeOfDay(cron), timezone);
  } catch {
    return null;
  }
}

export class Scheduler {
  private readonly agenda: Agenda;
  private readonly notifications: PostgresBackend['notificationChannel'];
  /** Set when this process only queues (never started) and connected the channel itself to announce runs. */
  private announcing: Promise<void> | null = null;
  private started = false;
  private readonly lockLifetimeMs: number;

  constructor(pool: pg.Pool, private readonly handlers: Record<JobName, JobHandler>, private readonly deps: JobRunnerDeps, private readonly opts: SchedulerOptions) {
    const backend = new PostgresBackend({ pool, ensureSchema: false });
    // The LISTEN connection reports a lost connection as an 'error' event, and nothing in Agenda listens: at
    // shutdown (PostgreSQL stopping first, or terminating the connection) that would crash the process. The
    // channel reconnects by itself; the event is only logged.
    backend.notificationChannel?.on('error', (err: unknown) => deps.log.warn({ err }, 'scheduler notification channel error'));
    this.notifications = backend.notificationChannel;
    this.lockLifetimeMs = opts.lockLifetimeMs ?? 30 * 60_000;
    this.agenda = new Agenda({
      backend,
      name: `tiller-${process.pid}`,
      processEvery: opts.processEveryMs ?? 5_000,
      defaultLockLifetime: this.lockLifetimeMs,
      maxConcurrency: 2,
    });
    for (const name of JOB_NAMES) {
      this.agenda.define(name, async (job: { attrs: { data?: unknown }; touch(): Promise<void> }) => {
        const asked = (job.attrs.data ?? {}) as Partial<QueuedRun>;
        const today = tradingDayOf(this.deps.clock.now(), this.opts.timezone);
        const day = asked.day ?? today;
        const run = () => runJob(this.deps, name, day, this.handlers[name], asked.trigger ?? 'schedule');
        // A run queued for a past day (a replay through the workers) runs at the job's scheduled time that day.
        const at = day < today ? scheduledInstant(this.opts.schedule[name], day, this.opts.timezone) : null;
        const clock = this.deps.clock;
        // The lock is renewed while the job runs, so only a dead worker's lock expires: a slow job on a live
        // worker (a loaded machine) is never taken over and run twice.
        let renewing: Promise<void> = Promise.resolve();
        const renew = setInterval(() => {
          renewing = job.touch().catch((err: unknown) => this.deps.log.warn({ job: name, err }, 'could not renew the job lock'));
        }, Math.max(500, Math.floor(this.lockLifetimeMs / 3)));
        try {
          await (at && isPinnable(clock) ? clock.runAt(at, run) : run());
        } finally {
          clearInterval(renew);
          await renewing;
        }
      // One lock per job name at a time: a worker that locked a queue of runs it could not start before their
      // locks expired let another worker run them too (twice, seen with 300 queued runs on a loaded machine).
      }, { concurrency: 1, lockLimit: 1 });
    }
  }

  async start(): Promise<void> {
    this.started = true;
    await this.agenda.start();
    for (const name of JOB_NAMES) {
      await this.agenda.every(this.opts.schedule[name], name, undefined, { timezone: this.opts.timezone, skipImmediate: true });
    }
  }

  /** Queue one job to run now through Agenda (any started scheduler may take it), for `run.day` when given. */
  async triggerNow(name: JobName, run?: QueuedRun): Promise<void> {
    await this.agenda.ready;
    // Agenda announces a queued run on its notification channel, which only a started scheduler connects. A
    // process that only queues (chat /run in a `bot`, the API, a replay through the workers) connects it here,
    // so a worker takes the run at once instead of at its next poll (`jobs.pollMs`).
    if (!this.started && this.notifications) {
      const channel = this.notifications;
      this.announcing ??= channel.connect().catch((err: unknown) => this.deps.log.warn({ err }, 'could not announce queued jobs; workers take them at their next poll'));
      await this.announcing;
    }
    await this.agenda.now(name, run);
  }

  /** Stop taking jobs; running jobs' locks are released so another worker can pick them up. The backend
   * disconnects (including its LISTEN connection); the shared pool is not Agenda's and stays open. */
  async stop(): Promise<void> {
    await this.agenda.stop(true);
    // A scheduler that never started is not stopped by Agenda: its announcing channel is closed here.
    if (this.announcing) await this.notifications?.disconnect();
  }
}
