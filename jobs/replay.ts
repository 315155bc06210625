/** Replay: the real daily schedule over historical trading days on a simulated clock, as fast as the
 * machine allows. For each trading day of the provider's calendar, the clock is set to each job's
 * scheduled time (from config) and the same job handlers as live run in that order. */
import type { AppConfig } from '../src/config.js';
import { isDatabaseUnavailable, OperationalError, PipelineStepError, UserError } from '../src/domain/errors.js';
import { cronRunsOnWeekday, cronTimeOfDay } from '../src/market/schedule-time.js';
import type { TradingDay } from '../src/domain/types.js';
import { instantAt } from '../src/market/market-time.js';
import type { ManualClock } from '../src/ports/clock.port.js';
import type { MarketData } from '../src/ports/market-data.port.js';
import type { JobRunRepository } from '../src/ports/repositories.port.js';
import { JOB_NAMES, type JobHandler, type JobName } from './daily-jobs.js';
import { runJob, type JobRunnerDeps } from './job-runner.js';
import type { QueuedRun } from './scheduler.js';

export { cronTimeOfDay };

export interface ReplayOptions {
  from: TradingDay;
  to: TradingDay;
  onProgress?: (day: TradingDay, index: number, total: number) => void;
}

export interface ReplaySummary {
  days: TradingDay[];
  failures: Array<{ day: TradingDay; job: JobName; error: string }>;
  seconds: number;
}

/** A replay that cannot go on (no worker takes its jobs): it stops rather than record day after day failed. */
export class ReplayStopped extends OperationalError {}

/** Every trading day of the provider from `from` to `to`, each job run on it in the order of its time of day
 * (a job whose entry skips the weekday, like the weekly train job, not run on it), through `runOne`. */
async function replayDays(
  market: MarketData,
  schedule: AppConfig['schedule'],
  opts: ReplayOptions,
  runOne: (job: JobName, day: TradingDay, time: string) => Promise<void>,
): Promise<ReplaySummary> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.from) || !/^\d{4}-\d{2}-\d{2}$/.test(opts.to)) throw new UserError('--from and --to must be dates like 2017-01-03');
  if (opts.from > opts.to) throw new UserError(`--from ${opts.from} is after --to ${opts.to}`);
  const order = JOB_NAMES.map((job) => ({ job, time: cronTimeOfDay(schedule[job]) })).sort((a, b) => a.time.localeCompare(b.time));
  const days = await market.tradingDays(opts.from, opts.to);
  if (days.length === 0) throw new UserError(`${market.name} has no trading days between ${opts.from} and ${opts.to}`);
  const started = performance.now();
  const failures: ReplaySummary['failures'] = [];
  for (const [i, day] of days.entries()) {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    for (const { job, time } of order) {
      if (!cronRunsOnWeekday(schedule[job], weekday)) continue;
      try {
        await runOne(job, day, time);
      } catch (err) {
        // Without its database a replay would mark day after day done with nothing run: it stops instead,
        // naming the day to start again from (every job is safe to run again).
        if (isDatabaseUnavailable(err) || (err instanceof PipelineStepError && isDatabaseUnavailable(err.cause))) {
          throw new OperationalError(`the database became unavailable during ${job} on ${day}; run the replay again from ${day}`, { cause: err });
        }
        if (err instanceof ReplayStopped) throw err;
        failures.push({ day, job, error: err instanceof Error ? err.message : String(err) });
      }
    }
    opts.onProgress?.(day, i + 1, days.length);
  }
  return { days, failures, seconds: (performance.now() - started) / 1000 };
}

/** The replay in this process: the clock is set to each job's scheduled time and the job runs here. */
export function replay(
  deps: JobRunnerDeps & { clock: ManualClock },
  handlers: Record<JobName, JobHandler>,
  market: MarketData,
  schedule: AppConfig['schedule'],
  timezone: string,
  opts: ReplayOptions,
): Promise<ReplaySummary> {
  return replayDays(market, schedule, opts, async (job, day, time) => {
    deps.clock.set(instantAt(day, time, timezone));
    await runJob(deps, job, day, handlers[job], 'replay');
  });
}

/** What a replay through the workers needs: a queue the workers take jobs from, and where they record runs. */
export interface WorkerReplayDeps {
  queue: (name: JobName, run: QueuedRun) => Promise<void>;
  runs: Pick<JobRunRepository, 'outcomeOf'>;
  /** Names this replay's runs in the records (and in /jobs). */
  trigger: string;
  /** How long a queued job may wait for a worker to start it before the replay stops. */
  startTimeoutMs: number;
  pollMs: number;
}

/** The replay through the running workers (`tiller worker`, `start`): each job of each day is queued through
 * Agenda for that day, one at a time, and the next waits until a worker has finished it. A worker runs a past
 * day's job on its clock pinned to the job's scheduled time that day, so the results match a replay in one
 * process; the metrics, logs and alerts are the workers'. */
export function replayThroughWorkers(deps: WorkerReplayDeps, market: MarketData, schedule: AppConfig['schedule'], opts: ReplayOptions): Promise<ReplaySummary> {
  return replayDays(market, schedule, opts, async (job, day) => {
    await deps.queue(job, { day, trigger: deps.trigger });
    const queuedAt = Date.now();
    for (;;) {
      const run = await deps.runs.outcomeOf(job, day, deps.trigger);
      if (run && run.outcome !== 'running') {
        if (run.outcome === 'failure') throw new Error(run.error ?? 'failed');
        return;
      }
      if (!run && Date.now() - queuedAt > deps.startTimeoutMs) {
        throw new ReplayStopped(`no worker started ${job} for ${day} within ${Math.round(deps.startTimeoutMs / 1000)} s: is a \`tiller worker\` (or \`tiller start\`) running on this database?`);
      }
      await new Promise((r) => setTimeout(r, deps.pollMs));
    }
  });
}
