import type { Exclusion } from '../picks/screening.js';
import type { TradingDay } from '../domain/types.js';

/** Why symbols were left out of a day's picks (src/picks/screening.ts). */
export interface ScreeningRepository {
  /** Replace the exclusions of a picks day (a rerun replaces them). */
  replaceDay(day: TradingDay, excluded: Exclusion[]): Promise<void>;
  /** The exclusion of a symbol on a picks day, or null when it passed (or was not screened). */
  of(day: TradingDay, symbol: string): Promise<Exclusion | null>;
}
