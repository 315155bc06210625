/** Yahoo Finance through `yahoo-finance2`: daily candles from the chart API, names and market caps from
 * the quote API. `apiRoot` sends every request to another origin (a self-hosted proxy, or the fake server
 * of the tests) while the library itself runs unchanged. Every request has a timeout. */
import YahooFinance from 'yahoo-finance2';
import { OperationalError, RateLimitedError, TemporaryError, UserError } from '../../domain/errors.js';
import type { Instrument, RawCandle, TradingDay } from '../../domain/types.js';
import type { MarketData } from '../../ports/market-data.port.js';
import { addDays } from '../../market/market-time.js';

export interface YahooSettings {
  timeoutMs: number;
  apiRoot: string | undefined;
  /** The symbols this provider offers (Yahoo has no list of its own). */
  symbols: readonly string[];
  calendarSymbol: string;
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, dir: () => undefined };

function classify(err: unknown, what: string): Error {
  const e = err as { name?: string; message?: string; code?: number };
  const msg = `${what}: ${e.message ?? String(err)}`;
  if (/429|too many requests/i.test(msg)) return new RateLimitedError(msg, 5);
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || /fetch failed|ECONNREFUSED|ECONNRESET|timed out|5\d\d/i.test(msg)) return new TemporaryError(msg, { cause: err });
  if (/not found|no data found|404/i.test(msg)) return new UserError(msg);
  return new OperationalError(msg, { cause: err });
}

export class YahooMarketData implements MarketData {
  readonly name = 'yahoo';
  private readonly yf: InstanceType<typeof YahooFinance>;

  constructor(private readonly s: YahooSettings) {
    const root = s.apiRoot?.replace(/\/$/, '');
    const timedFetch: typeof fetch = (input, init) => {
      let url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (root) url = url.replace(/^https:\/\/[^/]+/, root);
      return fetch(url, { ...init, signal: AbortSignal.timeout(s.timeoutMs) });
    };
    this.yf = new YahooFinance({ fetch: timedFetch, versionCheck: false, logger: quiet, suppressNotices: ['yahooSurvey'], validation: { logErrors: false } });
  }

  async probe(): Promise<void> {
    await this.getDailyCandles(this.s.calendarSymbol, addDays(new Date().toISOString().slice(0, 10), -7), new Date().toISOString().slice(0, 10));
  }

  async listInstruments(): Promise<Instrument[]> {
    if (this.s.symbols.length === 0) throw new OperationalError('marketData.universe and marketData.providerSymbols are empty: Yahoo has no symbol list, so name the symbols to follow in config');
    try {
      const quotes = await this.yf.quote([...this.s.symbols], { return: 'array' });
      const bySymbol = new Map(quotes.map((q) => [q.symbol, q]));
      return this.s.symbols.map((symbol) => {
        const q = bySymbol.get(symbol) as { longName?: string; shortName?: string; marketCap?: number; sector?: string } | undefined;
        return { symbol, name: q?.longName ?? q?.shortName ?? symbol, sector: q?.sector ?? null, marketCap: q?.marketCap ?? null };
      });
    } catch (err) {
      throw classify(err, 'yahoo quote');
    }
  }

  async getDailyCandles(symbol: string, from: TradingDay, to: TradingDay): Promise<RawCandle[]> {
    try {
      const res = await this.yf.chart(symbol, { period1: from, period2: addDays(to, 1), interval: '1d' });
      const tz = res.meta.exchangeTimezoneName;
      return res.quotes
        .map((q) => ({
          symbol,
          day: new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(q.date),
          open: q.open ?? null, high: q.high ?? null, low: q.low ?? null, close: q.close ?? null, volume: q.volume ?? null,
        }))
        .filter((c) => c.day >= from && c.day <= to);
    } catch (err) {
      throw classify(err, `yahoo chart ${symbol}`);
    }
  }

  async tradingDays(from: TradingDay, to: TradingDay): Promise<TradingDay[]> {
    return [...new Set((await this.getDailyCandles(this.s.calendarSymbol, from, to)).map((c) => c.day))];
  }
}
