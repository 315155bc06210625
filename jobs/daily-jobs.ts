/** The daily loop's jobs, each a thin handler over a src service, keyed by the job names of the schedule. */
import type { TradingDay } from '../src/domain/types.js';
import type { MarketCalendar } from '../src/market/calendar.js';
import type { PicksService } from '../src/picks/picks.service.js';
import type { PipelineService } from '../src/pipeline/pipeline.service.js';
import type { ShadowPortfolios } from '../src/picks/shadow-portfolios.js';
import type { DailyReport } from '../src/trading/daily-report.js';
import type { PositionMonitor } from '../src/trading/position-monitor.js';
import type { Reconciler } from '../src/trading/reconciler.js';
import type { TradeCycle } from '../src/trading/trade-cycle.js';
import type { CleanupService } from '../src/ops/cleanup.service.js';
import { picksGauge } from '../monitoring/metrics.js';

export const JOB_NAMES = ['symbols', 'pipeline', 'picks', 'trade', 'monitor', 'snapshot', 'report', 'weekly', 'train', 'cleanup'] as const;
export type JobName = (typeof JOB_NAMES)[number];

/** One value per job, e.g. a handler each. */
export function forEveryJob<T>(f: (name: JobName) => T): Record<JobName, T> {
  return Object.fromEntries(JOB_NAMES.map((n) => [n, f(n)])) as Record<JobName, T>;
}

export function isJobName(s: string): s is JobName {
  return (JOB_NAMES as readonly string[]).includes(s);
}

export interface JobServices {
  calendar: MarketCalendar;
  pipeline: PipelineService;
  picks: PicksService;
  tradeCycle: TradeCycle;
  monitor: PositionMonitor;
  report: DailyReport;
  /** Every (strategy, profile)'s shadow paper portfolio. */
  shadows: ShadowPortfolios;
  reconciler: Reconciler;
  /** Walk-forward evaluation, training and promotion of every model family on the stored data. */
  train: () => Promise<unknown>;
  /** Old operational records and files removed by their retention. */
  cleanup: CleanupService;
}

/** A job body for one trading day; returns a summary for logs and `tiller run`. */
export type JobHandler = (day: TradingDay, trigger: string) => Promise<unknown>;

/** What a job returns on a day the market does not trade. */
export interface SkippedDay {
  skipped: string;
}

export function jobHandlers(s: JobServices): Record<JobName, JobHandler> {
  // The schedule fires on weekdays (or every day); the market calendar decides whether there is work.
  const onTradingDays = (h: JobHandler): JobHandler => async (day, trigger) =>
    s.calendar.isTradingDay(day) ? h(day, trigger) : ({ skipped: `${day} is not a trading day` } satisfies SkippedDay);
  return {
    // The symbol master (names, sectors, listings) does not depend on the market being open: any day its
    // schedule names (weekly by default). The pipeline reads the stored master while it is fresh.
    symbols: () => s.pipeline.refreshSymbols(),
    pipeline: onTradingDays((day, trigger) => s.pipeline.run(s.calendar.previousTradingDay(day), trigger)),
    picks: onTradingDays(async (day) => {
      const r = await s.picks.run(day);
      for (const profile of ['conservative', 'aggressive'] as const) picksGauge.set({ profile }, r.picks[profile].length);
      return { signalDay: r.signalDay, strategy: r.strategy.name, conservative: r.picks.conservative.length, aggressive: r.picks.aggressive.length, others: r.others, failed: r.failed, exported: r.exported, screened: r.screened, rationale: r.rationale };
    }),
    // Orders and positions are reconciled with the broker before any trading.
    trade: onTradingDays(async (day) => {
      await s.reconciler.beforeTrading(day);
      return s.tradeCycle.run(day);
    }),
    monitor: onTradingDays(async (day) => {
      await s.reconciler.beforeTrading(day);
      return s.monitor.run(day);
    }),
    // The performance snapshot after the close: every strategy's shadow portfolio brought up to the last
    // stored bar (the account's own end-of-day snapshot is the monitor's).
    snapshot: onTradingDays(() => s.shadows.afterDay()),
    report: onTradingDays((day) => s.report.run(day)),
    // Fires every trading day after the daily report; reports only on the week's last trading day.
    weekly: onTradingDays(async (day) => (await s.report.weekly(day)) ?? ({ skipped: `${day} is not the last trading day of its week` } satisfies SkippedDay)),
    // Training reads the stored history only, so it runs on any day its schedule names (a weekend by default).
    train: () => s.train(),
    // Housekeeping does not depend on the market: any day its schedule names.
    cleanup: () => s.cleanup.run(),
  };
}
