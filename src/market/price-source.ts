/** The price of a symbol at an instant, from daily bars: before the session opens, the previous close;
 * during the session, the day's open (the only intraday price daily data has); after the close, the close.
 * Days without a bar (weekends, holidays, beyond the data) use the last stored close. */
import { validateCandles } from './validation.js';
import { addDays, instantAt, tradingDayOf } from './market-time.js';
import type { Candle, TradingDay } from '../domain/types.js';
import type { MarketData } from '../ports/market-data.port.js';
import type { CandleRepository } from '../ports/repositories.port.js';

export interface Quote {
  price: number;
  /** The day of the bar the price comes from. */
  day: TradingDay;
}

export interface MarketSession {
  timezone: string;
  sessionOpen: string;
  sessionClose: string;
}

export class PriceSource {
  constructor(private readonly market: MarketData, private readonly candles: CandleRepository, private readonly session: MarketSession) {}

  /** The validated bar of `symbol` on `day`, or null when the provider has none. */
  async barOn(symbol: string, day: TradingDay): Promise<Candle | null> {
    const { valid } = validateCandles(await this.market.getDailyCandles(symbol, day, day));
    return valid[0] ?? null;
  }

  /** The last stored close before `day` (the plausibility check of a fill compares with it). */
  async lastCloseBefore(symbol: string, day: TradingDay): Promise<{ close: number; day: TradingDay } | null> {
    const c = await this.candles.lastOnOrBefore(symbol, addDays(day, -1));
    return c ? { close: c.close, day: c.day } : null;
  }

  /** True once `day`'s session has closed at `at`: its daily bar is final. */
  sessionClosed(day: TradingDay, at: Date): boolean {
    return at >= instantAt(day, this.session.sessionClose, this.session.timezone);
  }

  async priceAt(symbol: string, at: Date): Promise<Quote | null> {
    const { timezone, sessionOpen, sessionClose } = this.session;
    const day = tradingDayOf(at, timezone);
    if (at >= instantAt(day, sessionOpen, timezone)) {
      const bar = await this.barOn(symbol, day);
      if (bar) return { price: at >= instantAt(day, sessionClose, timezone) ? bar.close : bar.open, day };
    }
    const recent = validateCandles(await this.market.getDailyCandles(symbol, addDays(day, -7), addDays(day, -1))).valid.at(-1);
    if (recent) return { price: recent.close, day: recent.day };
    const stored = await this.candles.lastOnOrBefore(symbol, addDays(day, -1));
    return stored ? { price: stored.close, day: stored.day } : null;
  }
}
