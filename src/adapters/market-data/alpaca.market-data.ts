/** US equities market data from Alpaca's data API through the official SDK (@alpacahq/alpaca-trade-api):
 * split-adjusted daily bars (paginated by the SDK), days in New York time. Needs an API key pair. The SDK has
 * no request timeout of its own, so each call is bounded here; requests go through the request policy. */
import { createRequire } from 'node:module';
import { ConfigError, OperationalError, RateLimitedError, TemporaryError, UserError } from '../../domain/errors.js';
import type { Instrument, RawCandle, TradingDay } from '../../domain/types.js';
import type { MarketData } from '../../ports/market-data.port.js';
import { addDays, tradingDayOf } from '../../market/market-time.js';
import type { RequestPolicy } from './request-policy.js';
import { withTimeout } from '../with-timeout.js';

export interface AlpacaSettings {
  keyId: string | undefined;
  secretKey: string | undefined;
  dataUrl: string | undefined;
  feed: string;
  timeoutMs: number;
  symbols: readonly string[];
  calendarSymbol: string;
}

interface AlpacaBar {
  Timestamp: string;
  OpenPrice: number;
  HighPrice: number;
  LowPrice: number;
  ClosePrice: number;
  Volume: number;
}

/** The subset of the SDK this adapter uses. */
interface AlpacaDataClient {
  getBarsV2(symbol: string, options: Record<string, unknown>): AsyncGenerator<AlpacaBar>;
  newTimeframe(amount: number, unit: string): string;
  timeframeUnit: { DAY: string };
}

/** The SDK is CommonJS with `export =`; its constructor is loaded with require. */
const Alpaca = createRequire(import.meta.url)('@alpacahq/alpaca-trade-api') as new (config: Record<string, unknown>) => unknown;

function classify(err: unknown, what: string): Error {
  const msg = err instanceof Error ? err.message : String(err);
  const code = Number(/code: (\d+)/.exec(msg)?.[1]);
  const text = `${what}: ${msg}`;
  if (code === 429) return new RateLimitedError(text, 3);
  if (code >= 500 || /timed out|ECONNREFUSED|ECONNRESET|socket hang up/i.test(msg)) return new TemporaryError(text, { cause: err });
  if (code === 400 || code === 404 || code === 422) return new UserError(text);
  return new OperationalError(text, { cause: err });
}

export class AlpacaMarketData implements MarketData {
  readonly name = 'alpaca';
  private readonly client: AlpacaDataClient;

  constructor(private readonly s: AlpacaSettings, private readonly policy: RequestPolicy) {
    if (!s.keyId || !s.secretKey) throw new ConfigError('ALPACA_KEY_ID and ALPACA_SECRET_KEY: needed for MARKET_DATA=alpaca');
    this.client = new Alpaca({ keyId: s.keyId, secretKey: s.secretKey, paper: true, feed: s.feed, ...(s.dataUrl ? { dataBaseUrl: s.dataUrl.replace(/\/$/, '') } : {}) }) as AlpacaDataClient;
  }

  async probe(): Promise<void> {
    await this.getDailyCandles(this.s.calendarSymbol, addDays(new Date().toISOString().slice(0, 10), -7), new Date().toISOString().slice(0, 10));
  }

  async listInstruments(): Promise<Instrument[]> {
    return this.s.symbols.map((symbol) => ({ symbol, name: symbol, sector: null, marketCap: null }));
  }

  async getDailyCandles(symbol: string, from: TradingDay, to: TradingDay): Promise<RawCandle[]> {
    const what = `alpaca bars ${symbol}`;
    return this.policy.run(async () => {
      try {
        return await withTimeout((async () => {
          const out: RawCandle[] = [];
          const bars = this.client.getBarsV2(symbol, {
            start: `${from}T00:00:00Z`, end: `${addDays(to, 1)}T00:00:00Z`, timeframe: this.client.newTimeframe(1, this.client.timeframeUnit.DAY),
            adjustment: 'split', feed: this.s.feed,
          });
          for await (const b of bars) {
            const day = tradingDayOf(new Date(b.Timestamp), 'America/New_York');
            if (day >= from && day <= to) out.push({ symbol, day, open: b.OpenPrice, high: b.HighPrice, low: b.LowPrice, close: b.ClosePrice, volume: b.Volume });
          }
          return out;
        })(), this.s.timeoutMs, what);
      } catch (err) {
        throw err instanceof TemporaryError ? err : classify(err, what);
      }
    });
  }

  async tradingDays(from: TradingDay, to: TradingDay): Promise<TradingDay[]> {
    return [...new Set((await this.getDailyCandles(this.s.calendarSymbol, from, to)).map((c) => c.day))];
  }
}
