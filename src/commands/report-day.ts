/** The day the account commands describe. Live, that is today. When the books stop earlier (after a replay
 * of history, or a process that has not run for days), it is the last day with an end-of-day snapshot, and
 * positions are valued at that day's close: the replayed period, not an empty "today". */
import type { TradingDay } from '../domain/types.js';
import { MarketCalendar } from '../market/calendar.js';
import { addDays, instantAt, tradingDayOf } from '../market/market-time.js';
import type { CommandServices } from './command-services.js';

export interface ReportDay {
  day: TradingDay;
  /** The instant to value positions at: now, or the close of a past report day. */
  at: Date;
  /** True when the books end before the last trading day before today. */
  past: boolean;
}

export async function reportDay(s: Pick<CommandServices, 'clock' | 'config' | 'repos'>): Promise<ReportDay> {
  const now = s.clock.now();
  const { timezone, sessionClose } = s.config.market;
  const today = tradingDayOf(now, timezone);
  const last = (await s.repos.trading.snapshotBefore(addDays(today, 1)))?.day;
  if (last && last < new MarketCalendar(s.config.market).previousTradingDay(today)) {
    return { day: last, at: instantAt(last, sessionClose, timezone), past: true };
  }
  return { day: today, at: now, past: false };
}
