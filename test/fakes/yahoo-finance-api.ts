/** A fake Yahoo Finance server answering the endpoints yahoo-finance2 calls, in Yahoo's own formats:
 * the cookie page and getcrumb handshake, /v7/finance/quote and /v8/finance/chart. Prices are real: they
 * come from the S&P 500 CSV files, served as Yahoo serves daily bars (timestamps at the session open,
 * New York time). Symbols named in `rateLimited` get HTTP 429 as Yahoo sends it. */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer, isUsSummerTime } from './fake-http-server.js';
import path from 'node:path';

const CRUMB = 'Xq5Gd0cQ7mT';

interface Meta {
  name: string;
  marketCap: number;
  fundamentals?: Record<string, number>;
}

export class FakeYahoo extends FakeHttpServer {
  readonly requests: string[] = [];
  readonly rateLimited = new Set<string>();

  constructor(private readonly csvDir: string, private readonly meta: Record<string, Meta>) {
    super();
  }

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.requests.push(`${req.method} ${url.pathname}`);
    if (url.pathname.startsWith('/quote/')) {
      // The page that sets Yahoo's session cookie.
      res.writeHead(200, {
        'content-type': 'text/html',
        'set-cookie': `A3=d=AQABBFAKEcookie&S=AQAAAFAKE; Expires=${new Date(Date.now() + 365 * 864e5).toUTCString()}; Max-Age=31557600; Domain=.yahoo.com; Path=/; SameSite=None; Secure; HttpOnly`,
      });
      res.end('<html><body>quote</body></html>');
      return;
    }
    if (url.pathname === '/v1/test/getcrumb') {
      if (!(req.headers.cookie ?? '').includes('A3=')) {
        res.writeHead(403, { 'content-type': 'text/plain' });
        res.end('Invalid Cookie');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain;charset=utf-8' });
      res.end(CRUMB);
      return;
    }
    if (url.pathname === '/v7/finance/quote') return this.quote(url, res);
    const summary = /^\/v10\/finance\/quoteSummary\/([^/]+)$/.exec(url.pathname);
    if (summary) return this.quoteSummary(decodeURIComponent(summary[1]!), url, res);
    const chart = /^\/v8\/finance\/chart\/([^/]+)$/.exec(url.pathname);
    if (chart) return this.chart(decodeURIComponent(chart[1]!), url, res);
    this.json(res, 404, { finance: { result: null, error: { code: 'Not Found', description: 'HTTP 404 Not Found' } } });
  }

  private quote(url: URL, res: ServerResponse): void {
    if (url.searchParams.get('crumb') !== CRUMB) {
      return this.json(res, 401, { finance: { result: null, error: { code: 'Unauthorized', description: 'Invalid Crumb' } } });
    }
    const symbols = (url.searchParams.get('symbols') ?? '').split(',').filter(Boolean);
    const result = symbols.filter((s) => this.meta[s]).map((s) => ({
      language: 'en-US', region: 'US', quoteType: 'EQUITY', typeDisp: 'Equity', quoteSourceName: 'Nasdaq Real Time Price', triggerable: true,
      customPriceAlertConfidence: 'HIGH', currency: 'USD', exchange: 'NMS', shortName: this.meta[s]!.name.slice(0, 20), longName: this.meta[s]!.name,
      messageBoardId: `finmb_${s}`, exchangeTimezoneName: 'America/New_York', exchangeTimezoneShortName: 'EST', gmtOffSetMilliseconds: -18000000,
      market: 'us_market', esgPopulated: false, marketState: 'CLOSED', marketCap: this.meta[s]!.marketCap, sourceInterval: 15, exchangeDataDelayedBy: 0,
      tradeable: false, cryptoTradeable: false, firstTradeDateMilliseconds: 345479400000, priceHint: 2, fullExchangeName: 'NasdaqGS', symbol: s,
    }));
    this.json(res, 200, { quoteResponse: { result, error: null } });
  }

  private quoteSummary(symbol: string, url: URL, res: ServerResponse): void {
    if (url.searchParams.get('crumb') !== CRUMB) return this.json(res, 401, { finance: { result: null, error: { code: 'Unauthorized', description: 'Invalid Crumb' } } });
    const m = this.meta[symbol];
    if (!m) return this.json(res, 404, { quoteSummary: { result: null, error: { code: 'Not Found', description: 'Quote not found for symbol: ' + symbol } } });
    const f = m.fundamentals ?? {};
    this.json(res, 200, {
      quoteSummary: {
        result: [{
          summaryDetail: {
            maxAge: 1, priceHint: 2, previousClose: f.price, open: f.price, currency: 'USD', marketCap: m.marketCap, trailingPE: f.pe, beta: f.beta,
            dividendYield: f.dividendYield, fiftyTwoWeekLow: f.low52, fiftyTwoWeekHigh: f.high52, priceToSalesTrailing12Months: f.ps, tradeable: false,
          },
          defaultKeyStatistics: { maxAge: 1, priceToBook: f.pb, trailingEps: f.eps, beta: f.beta, sharesOutstanding: 5_000_000_000 },
          financialData: {
            maxAge: 86400, currentPrice: f.price, ebitda: f.ebitda, returnOnEquity: f.roe, debtToEquity: f.debtToEquity,
            profitMargins: f.profitMargin, revenueGrowth: f.revenueGrowth, earningsGrowth: f.earningsGrowth, financialCurrency: 'USD',
          },
        }],
        error: null,
      },
    });
  }

  private chart(symbol: string, url: URL, res: ServerResponse): void {
    if (this.rateLimited.has(symbol)) {
      res.writeHead(429, { 'content-type': 'text/plain' });
      res.end('Too Many Requests');
      return;
    }
    let rows: string[][];
    try {
      rows = readFileSync(path.join(this.csvDir, `${symbol}.csv`), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    } catch {
      return this.json(res, 404, { chart: { result: null, error: { code: 'Not Found', description: 'No data found, symbol may be delisted' } } });
    }
    const p1 = Number(url.searchParams.get('period1'));
    const p2 = Number(url.searchParams.get('period2'));
    // Daily bars are stamped at the 09:30 New York open (14:30 UTC in winter, 13:30 in summer).
    const openAt = (day: string) => Math.floor(new Date(`${day}T09:30:00${isUsSummerTime(day) ? '-04:00' : '-05:00'}`).getTime() / 1000);
    const inRange = rows.filter((r) => openAt(r[0]!) >= p1 && openAt(r[0]!) < p2);
    const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));
    const last = inRange.at(-1);
    this.json(res, 200, {
      chart: {
        result: [{
          meta: {
            currency: 'USD', symbol, exchangeName: 'NMS', fullExchangeName: 'NasdaqGS', instrumentType: 'EQUITY', firstTradeDate: 345479400,
            regularMarketTime: last ? openAt(last[0]!) + 23400 : p2, hasPrePostMarketData: true, gmtoffset: -18000, timezone: 'EST',
            exchangeTimezoneName: 'America/New_York', regularMarketPrice: last ? num(last[4]) : null, chartPreviousClose: inRange[0] ? num(inRange[0][4]) : null,
            priceHint: 2, dataGranularity: '1d', range: '',
            validRanges: ['1d', '5d', '1mo', '3mo', '6mo', '1y', '2y', '5y', '10y', 'ytd', 'max'],
            currentTradingPeriod: {
              pre: { timezone: 'EST', start: p2 - 34200, end: p2 - 19800, gmtoffset: -18000 },
              regular: { timezone: 'EST', start: p2 - 19800, end: p2 + 3600, gmtoffset: -18000 },
              post: { timezone: 'EST', start: p2 + 3600, end: p2 + 18000, gmtoffset: -18000 },
            },
          },
          timestamp: inRange.map((r) => openAt(r[0]!)),
          indicators: {
            quote: [{
              open: inRange.map((r) => num(r[1])), high: inRange.map((r) => num(r[2])), low: inRange.map((r) => num(r[3])),
              close: inRange.map((r) => num(r[4])), volume: inRange.map((r) => num(r[5])),
            }],
            adjclose: [{ adjclose: inRange.map((r) => num(r[4])) }],
          },
        }],
        error: null,
      },
    });
  }
}

