import type { BarColumns } from '../market/indicators.js';
import type { Candle, TradingDay } from '../domain/types.js';

/** Daily bars that passed validation. The pipeline only ever appends days after a symbol's last stored day. */
export interface CandleRepository {
  /** Append bars (bulk); a bar for an existing (symbol, day) is an error, so a racing run fails loudly. */
  insertNew(candles: Candle[]): Promise<number>;
  /** The same for bars as columns (each symbol's validated bars): one COPY, no object per bar. */
  insertBars(list: ReadonlyArray<{ symbol: string; bars: BarColumns }>): Promise<number>;
  /** The last stored bar (day and close) per symbol. */
  lastBars(): Promise<Map<string, { day: TradingDay; close: number }>>;
  /** Bars of each symbol with day >= from, oldest first. */
  since(symbols: string[], from: TradingDay): Promise<Map<string, Candle[]>>;
  /** Bars of each symbol with day >= from, oldest first, as typed columns (every symbol asked has an entry). */
  columnsSince(symbols: string[], from: TradingDay): Promise<Map<string, BarColumns>>;
  /** The last stored bar of a symbol on or before `day`. */
  lastOnOrBefore(symbol: string, day: TradingDay): Promise<Candle | null>;
  /** Each symbol's close `lags[k]` stored days before `day` (0: the last stored day on or before it; null
   * where the symbol has no bar), counted on the axis of the days any stored symbol has a bar. */
  closesAtLags(symbols: string[], day: TradingDay, lags: readonly number[]): Promise<Map<string, Array<number | null>>>;
  /** The last day any symbol has a stored bar (null: none stored). */
  lastDay(): Promise<TradingDay | null>;
  /** The equal-weight universe's return on each day in [from, to]: the mean of every symbol's close over
   * its previous stored close (rebalanced daily). */
  equalWeightReturns(from: TradingDay, to: TradingDay): Promise<Map<TradingDay, number>>;
  /** The first and last stored day of any symbol, or null when nothing is stored. */
  dayRange(): Promise<{ first: TradingDay; last: TradingDay } | null>;
  /** How many symbols have a bar on `day`. */
  countOn(day: TradingDay): Promise<number>;
}
