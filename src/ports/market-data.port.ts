import type { BarColumns, Fundamentals, Instrument, RawCandle, TradingDay } from '../domain/types.js';

/** Where prices come from (CSV directory, Yahoo Finance, ...). Every call has a timeout in the adapter. */
export interface MarketData {
  /** Short provider name for logs and /health. */
  readonly name: string;
  /** The symbols this provider can serve, with names, sectors and market caps where known. */
  listInstruments(): Promise<Instrument[]>;
  /** Daily bars for one symbol with from <= day <= to, oldest first, unvalidated. */
  getDailyCandles(symbol: string, from: TradingDay, to: TradingDay): Promise<RawCandle[]>;
  /** The same bars as columns (NaN for an empty or non-numeric cell), for providers that hold them so: the
   * pipeline then stores a full history without an object per bar. The arrays may be views of the
   * provider's own: read-only. */
  getDailyColumns?(symbol: string, from: TradingDay, to: TradingDay): Promise<BarColumns>;
  /** The days the market traded in [from, to], oldest first (the provider's own calendar). */
  tradingDays(from: TradingDay, to: TradingDay): Promise<TradingDay[]>;
  /** Fundamentals of these symbols where the provider has them (absent for providers without any). Rows it
   * had to correct come back in `corrected` with the reason, to be quarantined as flagged. */
  getFundamentals?(symbols: string[]): Promise<{ rows: Fundamentals[]; corrected: Array<{ symbol: string; reason: string }> }>;
  /** Resolves when the provider is reachable; rejects with the reason otherwise. */
  probe(): Promise<void>;
  /** The last day a recorded provider has data for (its calendar symbol's last bar); absent for live
   * providers, whose data runs to today. */
  lastDay?(): Promise<TradingDay | null>;
}
