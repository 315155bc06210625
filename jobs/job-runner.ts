/** Runs one job for one trading day with metrics, a log line, a record in job_runs (wall time), and a
 * job_failed alert on failure. The error's type decides: a TemporaryError (a provider timing out, a rate
 * limit, a lock) is retried with a doubling delay up to `retry.attempts` in all; any other error (an
 * OperationalError, a bug) fails the job at once with the alert. */
import type { AlertService } from '../src/alerts/alert.service.js';
import { withRetry } from '../src/domain/retry.js';
import type { TradingDay } from '../src/domain/types.js';
import type { Logger } from '../src/logger.js';
import type { Clock } from '../src/ports/clock.port.js';
import type { JobRunRepository } from '../src/ports/repositories.port.js';
import { jobDuration, jobLastSuccess, jobRunsTotal } from '../monitoring/metrics.js';
import type { JobHandler, JobName } from './daily-jobs.js';

export interface JobRunnerDeps {
  alerts: AlertService;
  log: Logger;
  clock: Clock;
  /** Where each run is recorded (for /jobs). */
  runs: JobRunRepository;
  /** This process's name in those records (host:pid). */
  worker: string;
  /** Attempts in all for a TemporaryError, and the delay before the first retry (doubling); none: no retry. */
  retry?: { attempts: number; delayMs: number };
}

/** The handler run until it succeeds, fails for good, or has used its attempts on temporary errors. */
function withRetries(deps: JobRunnerDeps, name: JobName, day: TradingDay, run: () => Promise<unknown>): Promise<unknown> {
  return withRetry({
    attempts: deps.retry?.attempts ?? 1,
    baseDelayMs: deps.retry?.delayMs ?? 0,
    onFailure: (err, attempt, retryInMs) => {
      if (retryInMs !== null) deps.log.warn({ job: name, day, attempt, retryInMs, err }, 'job failed with a temporary error; retrying');
      else if (attempt > 1 && err instanceof Error) err.message = `${err.message} (after ${attempt} attempts)`;
    },
  }, run);
}

export async function runJob(deps: JobRunnerDeps, name: JobName, day: TradingDay, handler: JobHandler, trigger: string): Promise<unknown> {
  const end = jobDuration.startTimer({ job: name });
  const runId = await deps.runs.start(name, day, trigger, new Date(), deps.worker);
  try {
    const result = await withRetries(deps, name, day, () => handler(day, trigger));
    await deps.runs.finish(runId, 'success', null, new Date());
    jobRunsTotal.inc({ job: name, outcome: 'success' });
    jobLastSuccess.set({ job: name }, Date.now() / 1000);
    deps.log.info({ job: name, day, trigger, result }, 'job done');
    return result;
  } catch (err) {
    jobRunsTotal.inc({ job: name, outcome: 'failure' });
    const message = err instanceof Error ? err.message : String(err);
    await deps.runs.finish(runId, 'failure', message, new Date());
    deps.log.error({ job: name, day, trigger, err: message }, 'job failed');
    const at = deps.clock.now().toISOString();
    await deps.alerts.raise({ type: 'job_failed', job: name, error: message, at }, `job_failed:${name}:${day}:${at}`);
    throw err;
  } finally {
    end();
  }
}
