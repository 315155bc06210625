/** A fake Alpaca market data API (v2 stock bars) in Alpaca's format: key headers checked, bars paged with
 * next_page_token, 429 as Alpaca sends it. Bars are real: the S&P 500 CSV files, stamped at midnight New York
 * time as Alpaca stamps daily bars. */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const PAGE = 500;

export class FakeAlpacaData {
  readonly requests: string[] = [];
  rateLimitNext = 0;
  private server: Server | null = null;

  constructor(private readonly csvDir: string, private readonly keyId: string, private readonly secret: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(body));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
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
      .map(([d, o, h, l, c, v]) => ({ t: `${d}T${isSummer(d!) ? '04' : '05'}:00:00Z`, o: Number(o), h: Number(h), l: Number(l), c: Number(c), v: Number(v), n: 1000, vw: Number(c) }))
      .filter((b) => b.t >= start && b.t < end);
    const offset = Number(url.searchParams.get('page_token') ?? 0);
    const page = all.slice(offset, offset + PAGE);
    this.json(res, 200, { bars: page, symbol, next_page_token: offset + PAGE < all.length ? String(offset + PAGE) : null });
  }
}

/** US daylight saving time (second Sunday of March to first Sunday of November). */
function isSummer(day: string): boolean {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const nthSunday = (month: number, n: number) => 1 + ((7 - new Date(Date.UTC(y, month - 1, 1)).getUTCDay()) % 7) + (n - 1) * 7;
  if (m < 3 || m > 11) return false;
  if (m > 3 && m < 11) return true;
  return m === 3 ? d >= nthSunday(3, 2) : d < nthSunday(11, 1);
}
