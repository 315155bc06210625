import type { Candle, TradingDay } from '../domain/types.js';

/** Where the pipeline exports what it stored (CSV files the CSV provider can read back). */
export interface CandleExport {
  /** The last exported day of a symbol, read from the export itself (so a crash never doubles a row). */
  lastDay(symbol: string): Promise<TradingDay | null>;
  /** Append bars after the last exported day, oldest first. */
  append(symbol: string, candles: Candle[]): Promise<void>;
}
