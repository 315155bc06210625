/** The daily loop's jobs, each a thin handler over a src service, keyed by the job names of the schedule. */
import { OperationalError } from '../src/domain/errors.js';
import type { TradingDay } from '../src/domain/types.js';
import { addDays } from '../src/market/market-time.js';
import type { PicksService } from '../src/picks/picks.service.js';
import type { PipelineService } from '../src/pipeline/pipeline.service.js';
import type { MarketData } from '../src/ports/market-data.port.js';
import type { DailyReport } from '../src/trading/daily-report.js';
import type { PositionMonitor } from '../src/trading/position-monitor.js';
import type { TradeCycle } from '../src/trading/trade-cycle.js';

export const JOB_NAMES = ['pipeline', 'picks', 'trade', 'monitor', 'report'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export function isJobName(s: string): s is JobName {
  return (JOB_NAMES as readonly string[]).includes(s);
}

export interface JobServices {
  market: MarketData;
  pipeline: PipelineService;
  picks: PicksService;
  tradeCycle: TradeCycle;
  monitor: PositionMonitor;
  report: DailyReport;
}

/** A job body for one trading day; returns a summary for logs and `tiller run`. */
export type JobHandler = (day: TradingDay, trigger: string) => Promise<unknown>;

/** The last day the market traded before `day`, by the provider's calendar. */
async function previousTradingDay(market: MarketData, day: TradingDay): Promise<TradingDay> {
  const days = await market.tradingDays(addDays(day, -14), addDays(day, -1));
  const last = days.at(-1);
  if (!last) throw new OperationalError(`${market.name} has no trading day in the two weeks before ${day}: is the data current?`);
  return last;
}

export function jobHandlers(s: JobServices): Record<JobName, JobHandler> {
  return {
    pipeline: async (day, trigger) => s.pipeline.run(await previousTradingDay(s.market, day), trigger),
    picks: async (day) => {
      const r = await s.picks.run(day);
      return { signalDay: r.signalDay, conservative: r.picks.conservative.length, aggressive: r.picks.aggressive.length };
    },
    trade: (day) => s.tradeCycle.run(day),
    monitor: (day) => s.monitor.run(day),
    report: (day) => s.report.run(day),
  };
}
