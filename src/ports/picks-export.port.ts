import type { RiskProfile, TradingDay } from '../domain/types.js';
import type { PickSet } from './repositories.port.js';

/** Where a day's picks are exported once stored (every strategy, both profiles). */
export interface PicksExport {
  /** Write the day's picks, replacing an earlier export of that day whole; returns where they went. */
  writeDay(day: TradingDay, sets: Record<RiskProfile, PickSet[]>): Promise<string>;
}
