/** A fake Alpaca market data API (v2 stock bars) in Alpaca's format: key headers checked, bars paged with
 * next_page_token, 429 as Alpaca sends it. Bars are real: the S&P 500 CSV files, stamped at midnight New York
 * time as Alpaca stamps daily bars. */
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer, isUsSummerTime } from './fake-http-server.js';
import path from 'node:path';

const PAGE = 500;

export class FakeAlpacaData extends FakeHttpServer {
  readonly requests: string[] = [];
  rateLimitNext = 0;

  constructor(private readonly csvDir: string, private readonly keyId: string, private readonly secret: string) {
    super();
  }

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.headers['apca-api-key-id'] !== this.keyId || req.headers['apca-api-secret-key'] !== this.secret) {
      return this.json(res, 403, { message: 'forbidden.' });
    }
    const m = /^\/v2\/stocks\/([^/]+)\/bars$/.exec(url.pathname);
    if (!m) return this.json(res, 404, { message: 'Not Found' });
    if (this.rateLimitNext > 0) {
      this.rateLimitNext--;
      return this.json(res, 429, { message: 'too many requests.' });
    }
    const symbol = decodeURIComponent(m[1]!);
    if (url.searchParams.get('timeframe') !== '1Day') return this.json(res, 422, { message: 'invalid timeframe' });
    const file = path.join(this.csvDir, `${symbol}.csv`);
    if (!existsSync(file)) return this.json(res, 200, { bars: [], symbol, next_page_token: null });
    const start = url.searchParams.get('start') ?? '0000';
    const end = url.searchParams.get('end') ?? '9999';
    const all = readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','))
      .filter((r) => r.slice(1).every((c) => c !== ''))
      .map(([d, o, h, l, c, v]) => ({ t: `${d}T${isUsSummerTime(d!) ? '04' : '05'}:00:00Z`, o: Number(o), h: Number(h), l: Number(l), c: Number(c), v: Number(v), n: 1000, vw: Number(c) }))
      .filter((b) => b.t >= start && b.t < end);
    const offset = Number(url.searchParams.get('page_token') ?? 0);
    const page = all.slice(offset, offset + PAGE);
    this.json(res, 200, { bars: page, symbol, next_page_token: offset + PAGE < all.length ? String(offset + PAGE) : null });
  }
}

