/** Yahoo Finance through `yahoo-finance2`: daily candles from the chart API, names and market caps from
 * the quote API. `apiRoot` sends every request to another origin (a self-hosted proxy, or the fake server
 * of the tests) while the library itself runs unchanged. Every request has a timeout. */
import YahooFinance from 'yahoo-finance2';
import { OperationalError, RateLimitedError, TemporaryError, TillerError, UserError } from '../../domain/errors.js';
import type { RequestPolicy } from './request-policy.js';
import type { Fundamentals, Instrument, RawCandle, TradingDay } from '../../domain/types.js';
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

  constructor(private readonly s: YahooSettings, private readonly policy: RequestPolicy) {
    const root = s.apiRoot?.replace(/\/$/, '');
    const timedFetch: typeof fetch = (input, init) => {
      let url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (root) url = url.replace(/^https:\/\/[^/]+/, root);
      return fetch(url, { ...init, signal: AbortSignal.timeout(s.timeoutMs) });
    };
    this.yf = new YahooFinance({ fetch: timedFetch, versionCheck: false, logger: quiet, suppressNotices: ['yahooSurvey'], validation: { logErrors: false } });
  }

  /** Run a library call, turning its errors into typed ones (so the policy knows what to retry). */
  private async call<T>(fn: () => Promise<T>, what: string): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw classify(err, what);
    }
  }

  async probe(): Promise<void> {
    await this.getDailyCandles(this.s.calendarSymbol, addDays(new Date().toISOString().slice(0, 10), -7), new Date().toISOString().slice(0, 10));
  }

  async listInstruments(): Promise<Instrument[]> {
    if (this.s.symbols.length === 0) throw new OperationalError('marketData.universe and marketData.providerSymbols are empty: Yahoo has no symbol list, so name the symbols to follow in config');
    try {
      const quotes = await this.policy.run(() => this.call(() => this.yf.quote([...this.s.symbols], { return: 'array' }), 'yahoo quote'));
      const bySymbol = new Map(quotes.map((q) => [q.symbol, q]));
      return this.s.symbols.map((symbol) => {
        const q = bySymbol.get(symbol) as { longName?: string; shortName?: string; marketCap?: number; sector?: string } | undefined;
        return { symbol, name: q?.longName ?? q?.shortName ?? symbol, sector: q?.sector ?? null, marketCap: q?.marketCap ?? null };
      });
    } catch (err) {
      throw err instanceof TillerError ? err : classify(err, 'yahoo quote');
    }
  }

  async getDailyCandles(symbol: string, from: TradingDay, to: TradingDay): Promise<RawCandle[]> {
    try {
      const res = await this.policy.run(() => this.call(() => this.yf.chart(symbol, { period1: from, period2: addDays(to, 1), interval: '1d' }), `yahoo chart ${symbol}`));
      const tz = res.meta.exchangeTimezoneName;
      return res.quotes
        .map((q) => ({
          symbol,
          day: new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(q.date),
          open: q.open ?? null, high: q.high ?? null, low: q.low ?? null, close: q.close ?? null, volume: q.volume ?? null,
        }))
        .filter((c) => c.day >= from && c.day <= to);
    } catch (err) {
      throw err instanceof TillerError ? err : classify(err, `yahoo chart ${symbol}`);
    }
  }

  /** Fundamentals from quoteSummary (summary detail, key statistics, financial data), one request per
   * symbol through the request policy. Yahoo's payloads drift, so they are read defensively. */
  async getFundamentals(symbols: string[]): Promise<{ rows: Fundamentals[]; corrected: Array<{ symbol: string; reason: string }> }> {
    const rows: Fundamentals[] = [];
    for (const symbol of symbols) {
      const r = (await this.policy.run(() => this.call(
        () => this.yf.quoteSummary(symbol, { modules: ['summaryDetail', 'defaultKeyStatistics', 'financialData'] }, { validateResult: false }),
        `yahoo quoteSummary ${symbol}`,
      ))) as { summaryDetail?: Record<string, unknown>; defaultKeyStatistics?: Record<string, unknown>; financialData?: Record<string, unknown> };
      const sd = r.summaryDetail ?? {};
      const ks = r.defaultKeyStatistics ?? {};
      const fd = r.financialData ?? {};
      const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
      rows.push({
        symbol, marketCap: n(sd.marketCap), pe: n(sd.trailingPE), pb: n(ks.priceToBook), ps: n(sd.priceToSalesTrailing12Months),
        eps: n(ks.trailingEps), dividendYield: n(sd.dividendYield), ebitda: n(fd.ebitda), roe: n(fd.returnOnEquity), beta: n(sd.beta) ?? n(ks.beta),
        // Yahoo gives debt/equity in percent (e.g. 145.3); Tiller keeps ratios as fractions.
        debtToEquity: n(fd.debtToEquity) === null ? null : n(fd.debtToEquity)! / 100,
        profitMargin: n(fd.profitMargins), revenueGrowth: n(fd.revenueGrowth), earningsGrowth: n(fd.earningsGrowth),
        week52Low: n(sd.fiftyTwoWeekLow), week52High: n(sd.fiftyTwoWeekHigh),
      });
    }
    return { rows, corrected: [] };
  }

  async tradingDays(from: TradingDay, to: TradingDay): Promise<TradingDay[]> {
    return [...new Set((await this.getDailyCandles(this.s.calendarSymbol, from, to)).map((c) => c.day))];
  }
}
