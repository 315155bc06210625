/** Jobs run or queued outside their schedule: `tiller run`, chat `/run` and the API (through Agenda), a replay
 * through the workers, and the first run on recorded data. src/main.ts wires them; this file decides. */
import { hostname } from 'node:os';
import type { AppConfig } from '../src/config.js';
import type { TradingDay } from '../src/domain/types.js';
import type { Logger } from '../src/logger.js';
import { MarketCalendar, type CalendarConfig } from '../src/market/calendar.js';
import { tradingDayOf } from '../src/market/market-time.js';
import type { Clock } from '../src/ports/clock.port.js';
import type { MarketData } from '../src/ports/market-data.port.js';
import type { Repositories } from '../src/ports/repositories.port.js';
import type { JobHandler, JobName } from './daily-jobs.js';
import { runJob, type JobRunnerDeps } from './job-runner.js';
import { replayThroughWorkers, type ReplaySummary } from './replay.js';
import type { QueuedRun, Scheduler } from './scheduler.js';

/** What running jobs by hand needs of a wired process (src/main.ts's App has it all). */
export interface JobControlApp {
  config: Pick<AppConfig, 'market' | 'marketData' | 'schedule'>;
  log: Pick<Logger, 'info' | 'warn'>;
  clock: Clock;
  market: MarketData;
  repos: Pick<Repositories, 'picks' | 'jobRuns'>;
  handlers: Record<JobName, JobHandler>;
  jobDeps: JobRunnerDeps;
  queueJob(name: JobName, run: QueuedRun): Promise<void>;
}

/** Jobs asked for now go through Agenda, so its locks apply: whichever started scheduler (`start`, a `worker`)
 * takes a run, once. The queue's Agenda connection opens on first use. */
export class JobQueue {
  private scheduler: Scheduler | null = null;

  constructor(private readonly open: () => Scheduler) {}

  async queue(name: JobName, run: QueuedRun): Promise<void> {
    this.scheduler ??= this.open();
    await this.scheduler.triggerNow(name, run);
  }

  /** Close the Agenda connection (before the pool it uses closes). */
  async stop(): Promise<void> {
    await this.scheduler?.stop();
  }
}

/** The latest day `job` can run for on data that ends on `end`: the pipeline and the picks of a day read the
 * bars up to the trading day before it, so the day after `end` uses its last bar; the trade cycle needs the
 * day's open and the monitor and report its close, so `end` itself (as does training). */
export function latestRunnableDay(market: CalendarConfig, job: JobName, end: TradingDay): TradingDay {
  return job === 'pipeline' || job === 'picks' ? new MarketCalendar(market).nextTradingDay(end) : end;
}

/** This process's name in job records and queues: host:pid. */
export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}

/** `tiller run <job>`: run one job now in this process for today's trading day (or `day`). */
export function runJobNow(app: JobControlApp, job: JobName, day?: TradingDay): Promise<unknown> {
  const d = day ?? tradingDayOf(app.clock.now(), app.config.market.timezone);
  return runJob(app.jobDeps, job, d, app.handlers[job], 'manual');
}

/** A first `start` on recorded data (an empty database, a provider whose data ends before today): store the
 * data and make the picks of its last bar in the background, saying so, so /picks has something to show in
 * the first minute instead of waiting for a schedule the data never reaches. Never throws: a failure is
 * logged with the commands that do it by hand. */
export async function firstRunOnRecordedData(app: JobControlApp): Promise<void> {
  const { config, log } = app;
  try {
    if (!app.market.lastDay || (await app.repos.picks.latestDay()) !== null) return;
    const end = await app.market.lastDay();
    if (!end || end >= tradingDayOf(app.clock.now(), config.market.timezone)) return;
    const day = latestRunnableDay(config.market, 'pipeline', end);
    log.info({ day, dataEnds: end }, `first run on recorded data (${config.marketData.provider}, ending ${end}): storing it and making the picks of its last bar; /picks shows them when done`);
    const t0 = Date.now();
    await runJob(app.jobDeps, 'pipeline', day, app.handlers.pipeline, 'first-run');
    await runJob(app.jobDeps, 'picks', day, app.handlers.picks, 'first-run');
    log.info({ day, seconds: Math.round((Date.now() - t0) / 1000) }, `first run done: picks for ${day} (from the ${end} close) are ready: /picks`);
  } catch (err) {
    log.warn({ err }, `first run on recorded data failed; run it yourself: npm run tiller -- run pipeline, then npm run tiller -- run picks`);
  }
}

/** `tiller replay --workers`: the daily schedule over historical days, each job queued for the running workers
 * and waited for; the workers run them (with their metrics and alerts). */
export function runReplayThroughWorkers(app: JobControlApp, from: TradingDay, to: TradingDay, onProgress?: (day: TradingDay, i: number, n: number) => void): Promise<ReplaySummary> {
  return replayThroughWorkers(
    { queue: (name, run) => app.queueJob(name, run), runs: app.repos.jobRuns, trigger: `replay:${workerName()}:${Date.now().toString(36)}`, startTimeoutMs: 120_000, pollMs: 100 },
    app.market, app.config.schedule, { from, to, onProgress },
  );
}
