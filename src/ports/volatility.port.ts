import type { TradingDay } from '../domain/types.js';

/** A market-wide volatility reading for the volatility breaker. */
export interface VolatilityGauge {
  /** What is measured, for messages: "median ATR% of the universe", "VIX close". */
  readonly label: string;
  /** The latest reading known before `day`'s session (the previous close), or null when there is none. */
  valueBefore(day: TradingDay): Promise<{ value: number; asOf: TradingDay } | null>;
}
