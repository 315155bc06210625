/** Crypto market data through ccxt: any exchange ccxt supports, by id (binance, delta, kraken, …). Daily or
 * intraday candles, history fetched page by page; days are UTC dates (crypto trades around the clock).
 * `apiRoot` sends every request to another origin (a proxy, or the fake exchange of the tests) while the
 * ccxt client runs unchanged. Requests go through the request policy (throttle, retries). */
import ccxt, { type Exchange } from 'ccxt';
import { OperationalError, RateLimitedError, TemporaryError, UserError } from '../../domain/errors.js';
import type { Instrument, RawCandle, TradingDay } from '../../domain/types.js';
import type { MarketData } from '../../ports/market-data.port.js';
import { addDays } from '../../market/market-time.js';
import type { RequestPolicy } from './request-policy.js';

export interface CcxtSettings {
  exchange: string;
  timeoutMs: number;
  apiRoot: string | undefined;
  /** Symbols like BTC/USDT; empty: every active spot market quoted in `quote`. */
  symbols: readonly string[];
  quote: string;
  calendarSymbol: string;
  /** Candle timeframe: 1d (stored as trading days); intraday timeframes are fetched the same way. */
  timeframe: string;
}

const DAY_MS = 86_400_000;
const PAGE = 500;

function classify(err: unknown, what: string): Error {
  const msg = `${what}: ${err instanceof Error ? err.message : String(err)}`;
  if (err instanceof ccxt.RateLimitExceeded || err instanceof ccxt.DDoSProtection) return new RateLimitedError(msg, 5);
  if (err instanceof ccxt.BadSymbol) return new UserError(msg);
  if (err instanceof ccxt.NetworkError) return new TemporaryError(msg, { cause: err }); // timeouts, exchange down
  return new OperationalError(msg, { cause: err });
}

/** Replace the origin of every URL in ccxt's `urls.api` (a nested map of strings). */
export function rerouted(api: unknown, root: string): unknown {
  if (typeof api === 'string') return api.replace(/^https?:\/\/[^/]+/, root);
  if (api && typeof api === 'object') return Object.fromEntries(Object.entries(api).map(([k, v]) => [k, rerouted(v, root)]));
  return api;
}

export class CcxtMarketData implements MarketData {
  readonly name: string;
  private readonly ex: Exchange;
  private marketsLoaded: Promise<unknown> | null = null;

  constructor(private readonly s: CcxtSettings, private readonly policy: RequestPolicy) {
    const ExchangeClass = (ccxt as unknown as Record<string, new (cfg: object) => Exchange>)[s.exchange];
    if (!ExchangeClass || !ccxt.exchanges.includes(s.exchange)) throw new OperationalError(`CCXT_EXCHANGE: ccxt has no exchange "${s.exchange}"`);
    this.ex = new ExchangeClass({
      timeout: s.timeoutMs,
      enableRateLimit: false, // the request policy throttles
      options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false },
    });
    if (s.apiRoot) this.ex.urls.api = rerouted(this.ex.urls.api, s.apiRoot.replace(/\/$/, '')) as Exchange['urls']['api'];
    this.name = `ccxt:${s.exchange}`;
  }

  private markets(): Promise<unknown> {
    this.marketsLoaded ??= this.policy.run(() => this.ex.loadMarkets().catch((e: unknown) => {
      this.marketsLoaded = null;
      throw classify(e, `${this.name} markets`);
    }));
    return this.marketsLoaded;
  }

  async probe(): Promise<void> {
    await this.markets();
  }

  async listInstruments(): Promise<Instrument[]> {
    await this.markets();
    const markets = Object.values(this.ex.markets ?? {});
    const chosen = this.s.symbols.length > 0
      ? this.s.symbols.map((sym) => markets.find((m) => m?.symbol === sym)).filter((m) => m !== undefined)
      : markets.filter((m) => m?.spot && m.active !== false && m.quote === this.s.quote);
    return chosen.map((m) => ({ symbol: m!.symbol, name: `${m!.base} / ${m!.quote}`, sector: 'crypto', marketCap: null }));
  }

  async getDailyCandles(symbol: string, from: TradingDay, to: TradingDay): Promise<RawCandle[]> {
    await this.markets();
    const end = Date.parse(`${addDays(to, 1)}T00:00:00Z`);
    let since = Date.parse(`${from}T00:00:00Z`);
    const out: RawCandle[] = [];
    while (since < end) {
      const page = await this.policy.run(() =>
        this.ex.fetchOHLCV(symbol, this.s.timeframe, since, PAGE).catch((e: unknown) => {
          throw classify(e, `${this.name} ${symbol}`);
        }));
      const rows = page.filter((k) => (k[0] ?? 0) < end);
      for (const [ts, o, h, l, c, v] of rows) {
        out.push({ symbol, day: new Date(ts!).toISOString().slice(0, 10), open: o ?? null, high: h ?? null, low: l ?? null, close: c ?? null, volume: v ?? null });
      }
      const last = page.at(-1)?.[0];
      if (page.length < PAGE || last === undefined || last + 1 <= since) break;
      since = last + 1;
    }
    return out;
  }

  async tradingDays(from: TradingDay, to: TradingDay): Promise<TradingDay[]> {
    const days: TradingDay[] = [];
    for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
    return days;
  }
}
