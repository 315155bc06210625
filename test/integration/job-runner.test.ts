/** A failing job is metered, alerted (job_failed, through the outbox) and still fails for its caller. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories } from '../../db/repositories/index.js';
import { runJob } from '../../jobs/job-runner.js';
import { jobRunsTotal } from '../../monitoring/metrics.js';
import { MemoryEventBus } from '../../src/adapters/memory/memory-event-bus.js';
import { AlertService } from '../../src/alerts/alert.service.js';
import { OperationalError, TemporaryError } from '../../src/domain/errors.js';
import { createLogger } from '../../src/logger.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import type { Repositories } from '../../src/ports/repositories.port.js';
import { openMigratedDatabase } from '../helpers/database.js';

const failures = async (job: string) => (await jobRunsTotal.get()).values.find((v) => v.labels.job === job && v.labels.outcome === 'failure')?.value ?? 0;

describe('job runner', () => {
  let t: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let repos: Repositories;
  beforeAll(async () => {
    t = await openMigratedDatabase();
    repos = createRepositories(t.handle.db, t.handle.pool);
  });
  afterAll(() => t.drop());

  it('alerts job_failed to every target, meters the failure and rethrows', async () => {
    const clock = new ManualClock(new Date('2017-03-01T13:00:00Z'));
    const deps = { alerts: new AlertService(repos.outbox, new MemoryEventBus(), () => [{ transport: 'telegram', chatId: '-5' }], repos.subscriptions), log: createLogger('silent'), clock, runs: repos.jobRuns, worker: 'test:1' };
    const before = await failures('pipeline');
    await expect(runJob(deps, 'pipeline', '2017-03-01', async () => { throw new OperationalError('provider has no data for 2017-02-28'); }, 'schedule'))
      .rejects.toThrow('provider has no data for 2017-02-28');
    expect((await failures('pipeline')) - before).toBe(1);
    const due = await repos.outbox.due(new Date(), 10);
    expect(due.map((d) => [d.chatId, d.event])).toEqual([
      ['-5', { type: 'job_failed', job: 'pipeline', error: 'provider has no data for 2017-02-28', at: '2017-03-01T13:00:00.000Z' }],
    ]);
    await expect(runJob(deps, 'report', '2017-03-01', async () => ({ ok: 1 }), 'schedule')).resolves.toEqual({ ok: 1 });
    const runs = await repos.jobRuns.latest();
    expect(runs.map((r) => [r.job, r.day, r.trigger, r.outcome, r.error])).toEqual([
      ['pipeline', '2017-03-01', 'schedule', 'failure', 'provider has no data for 2017-02-28'],
      ['report', '2017-03-01', 'schedule', 'success', null],
    ]);
    expect(runs.every((r) => r.finishedAt !== null && r.finishedAt >= r.startedAt)).toBe(true);
  });

  it('retries a temporary error with a doubling delay, and fails an operational one at once', async () => {
    const clock = new ManualClock(new Date('2017-03-02T13:00:00Z'));
    const deps = {
      alerts: new AlertService(repos.outbox, new MemoryEventBus(), () => [{ transport: 'telegram', chatId: '-5' }], repos.subscriptions),
      log: createLogger('silent'), clock, runs: repos.jobRuns, worker: 'test:1', retry: { attempts: 3, delayMs: 20 },
    };
    const calls: number[] = [];
    const flaky = async () => {
      calls.push(Date.now());
      if (calls.length < 3) throw new TemporaryError('provider timed out');
      return { stored: 505 };
    };
    await expect(runJob(deps, 'pipeline', '2017-03-02', flaky, 'schedule')).resolves.toEqual({ stored: 505 });
    expect(calls).toHaveLength(3);
    // 20 ms, then 40 ms between the attempts (at least).
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(19);
    expect(calls[2]! - calls[1]!).toBeGreaterThanOrEqual(39);

    let tries = 0;
    await expect(runJob(deps, 'picks', '2017-03-02', async () => { tries++; throw new TemporaryError('rate limited'); }, 'schedule'))
      .rejects.toThrow('rate limited (after 3 attempts)');
    expect(tries).toBe(3);
    let once = 0;
    await expect(runJob(deps, 'trade', '2017-03-02', async () => { once++; throw new OperationalError('broker refused the keys'); }, 'schedule'))
      .rejects.toThrow(/^broker refused the keys$/);
    expect(once).toBe(1);
    const runs = (await repos.jobRuns.latest()).filter((r) => r.day === '2017-03-02');
    expect(runs.map((r) => [r.job, r.outcome, r.error])).toEqual([
      ['picks', 'failure', 'rate limited (after 3 attempts)'], ['pipeline', 'success', null], ['trade', 'failure', 'broker refused the keys'],
    ]);
  });
});
