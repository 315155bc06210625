import type { IndicatorRow, IndicatorSeries } from '../market/indicators.js';
import type { TradingDay } from '../domain/types.js';

/** The stored features of each symbol and day, and the kernel states the daily step continues from. */
export interface IndicatorRepository {
  /** Append the features of days after each symbol's last indicator day (bulk), and save each series'
   * kernel state as of its last day. */
  insertNew(series: IndicatorSeries[]): Promise<number>;
  /** The saved kernel state of each symbol that has one of the current layout, with the day it is as of. */
  states(symbols: string[]): Promise<Map<string, { day: TradingDay; state: Float64Array }>>;
  /** The latest day <= `day` that has indicators, or null. */
  latestDayOnOrBefore(day: TradingDay): Promise<TradingDay | null>;
  /** Every symbol's stored features on `day`, one row per symbol. */
  onDay(day: TradingDay): Promise<IndicatorRow[]>;
  /** The last day with indicators per symbol. */
  lastDays(): Promise<Map<string, TradingDay>>;
}
