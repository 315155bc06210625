import type { TradingDay } from '../domain/types.js';
import type { BarColumns } from '../market/indicators.js';

/** Where the pipeline exports what it stored (CSV files the CSV provider can read back). */
export interface CandleExport {
  /** The last exported day of a symbol, read from the export itself (so a crash never doubles a row). */
  lastDay(symbol: string): Promise<TradingDay | null>;
  /** Append bars after the last exported day, oldest first (typed columns, as read from storage). */
  append(symbol: string, bars: BarColumns): Promise<void>;
}
