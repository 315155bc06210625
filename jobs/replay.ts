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
import { JOB_NAMES, type JobHandler, type JobName } from './daily-jobs.js';
import { runJob, type JobRunnerDeps } from './job-runner.js';

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

export async function replay(
  deps: JobRunnerDeps & { clock: ManualClock },
  handlers: Record<JobName, JobHandler>,
  market: MarketData,
  schedule: AppConfig['schedule'],
  timezone: string,
  opts: ReplayOptions,
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
      // A job whose schedule skips this weekday (the weekly train job) does not run on it in replay either.
      if (!cronRunsOnWeekday(schedule[job], weekday)) continue;
      deps.clock.set(instantAt(day, time, timezone));
      try {
        await runJob(deps, job, day, handlers[job], 'replay');
      } catch (err) {
        // Without its database a replay would mark day after day done with nothing run: it stops instead,
        // naming the day to start again from (every job is safe to run again).
        if (isDatabaseUnavailable(err) || (err instanceof PipelineStepError && isDatabaseUnavailable(err.cause))) {
          throw new OperationalError(`the database became unavailable during ${job} on ${day}; run the replay again from ${day}`, { cause: err });
        }
        failures.push({ day, job, error: err instanceof Error ? err.message : String(err) });
      }
    }
    opts.onProgress?.(day, i + 1, days.length);
  }
  return { days, failures, seconds: (performance.now() - started) / 1000 };
}
