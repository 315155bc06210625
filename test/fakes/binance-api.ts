/** A fake Binance spot REST API (the endpoints ccxt's binance client calls for market data), in Binance's own
 * formats: GET /api/v3/exchangeInfo and GET /api/v3/klines. Candles are real: the recorded BTC-USD daily bars
 * served as BTCUSDT. `rateLimitNext` answers the next klines calls with Binance's 429. */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from './fake-http-server.js';

const DAY_MS = 86_400_000;

export class FakeBinance extends FakeHttpServer {
  readonly requests: string[] = [];
  rateLimitNext = 0;
  private readonly klines: Array<[number, string, string, string, string, string]>;

  /** `markets`: [base, quote, status] of each market listed by exchangeInfo. */
  constructor(btcCsv: string, private readonly markets: ReadonlyArray<readonly [string, string, string?]> = [['BTC', 'USDT'], ['ETH', 'BTC'], ['LUNA', 'USDT', 'BREAK']]) {
    super();
    this.klines = readFileSync(btcCsv, 'utf8').trim().split('\n').slice(1).map((l) => {
      const [d, o, h, lo, c, v] = l.split(',');
      return [Date.parse(`${d}T00:00:00Z`), o!, h!, lo!, c!, v!];
    });
  }

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (url.pathname === '/api/v3/exchangeInfo') return this.json(res, 200, this.exchangeInfo());
    if (url.pathname === '/api/v3/klines') {
      if (this.rateLimitNext > 0) {
        this.rateLimitNext--;
        return this.json(res, 429, { code: -1003, msg: 'Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute. Please use the websocket for live updates to avoid polling the API.' }, { 'retry-after': '1' });
      }
      if (url.searchParams.get('symbol') !== 'BTCUSDT') return this.json(res, 400, { code: -1121, msg: 'Invalid symbol.' });
      const start = Number(url.searchParams.get('startTime') ?? 0);
      const end = Number(url.searchParams.get('endTime') ?? Number.MAX_SAFE_INTEGER);
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 500), 1000);
      const rows = this.klines.filter((k) => k[0] >= start && k[0] <= end).slice(0, limit);
      return this.json(res, 200, rows.map(([t, o, h, l, c, v]) => [
        t, o, h, l, c, v, t + DAY_MS - 1, (Number(v) * Number(c)).toFixed(8), 1000, (Number(v) / 2).toFixed(8), ((Number(v) * Number(c)) / 2).toFixed(8), '0',
      ]));
    }
    this.json(res, 404, { code: -1, msg: 'Not found' });
  }

  private exchangeInfo() {
    const market = (base: string, quote: string, status = 'TRADING') => ({
      symbol: `${base}${quote}`, status, baseAsset: base, baseAssetPrecision: 8, quoteAsset: quote, quotePrecision: 8, quoteAssetPrecision: 8,
      baseCommissionPrecision: 8, quoteCommissionPrecision: 8,
      orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'],
      icebergAllowed: true, ocoAllowed: true, otoAllowed: true, quoteOrderQtyMarketAllowed: true, allowTrailingStop: true, cancelReplaceAllowed: true,
      amendAllowed: true, isSpotTradingAllowed: true, isMarginTradingAllowed: false,
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: '0.01000000', maxPrice: '1000000.00000000', tickSize: '0.01000000' },
        { filterType: 'LOT_SIZE', minQty: '0.00001000', maxQty: '9000.00000000', stepSize: '0.00001000' },
        { filterType: 'NOTIONAL', minNotional: '5.00000000', applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
      ],
      permissions: [], permissionSets: [['SPOT']], defaultSelfTradePreventionMode: 'EXPIRE_MAKER', allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
    });
    return {
      timezone: 'UTC', serverTime: Date.now(),
      rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 }],
      exchangeFilters: [],
      symbols: this.markets.map(([b, q, status]) => market(b, q, status)),
    };
  }
}
