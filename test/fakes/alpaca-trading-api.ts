/** A fake Alpaca trading API (v2) in Alpaca's own format, for the real SDK: orders with client_order_id
 * (a duplicate id is refused with 422 "client_order_id must be unique", as Alpaca does), order lookup by
 * client order id, open orders, cancel, positions and account. Market orders fill at once at the price the
 * test gives; other orders stay working until the test fills them. Faults on demand: 429, 500, a stalled
 * answer (a client timeout), wrong keys, insufficient buying power. The order book lives in this process,
 * so it survives a Tiller process that is killed and restarted. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from './fake-http-server.js';

export interface FakeAlpacaOrder {
  id: string; client_order_id: string; created_at: string; updated_at: string; submitted_at: string; filled_at: string | null;
  canceled_at: string | null; asset_class: 'us_equity'; symbol: string; qty: string; filled_qty: string; filled_avg_price: string | null;
  order_class: ''; order_type: string; type: string; side: 'buy' | 'sell'; time_in_force: string; limit_price: string | null;
  stop_price: string | null; status: string; extended_hours: false;
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export class FakeAlpacaTrading extends FakeHttpServer {
  readonly orders = new Map<string, FakeAlpacaOrder>();
  readonly positions = new Map<string, { qty: number; avgPrice: number }>();
  /** Every order POST, accepted or not, in arrival order (client order ids). */
  readonly posts: string[] = [];
  cash = 100_000;
  rateLimitNext = 0;
  failNext = 0;
  /** Hold the next N answers this long (after acting on the request), to make the client time out. */
  stallNext = 0;
  /** Stalled answers not yet sent (a test waits for them to drain instead of sleeping). */
  stalledInFlight = 0;
  stallMs = 0;

  constructor(private readonly keyId: string, private readonly secret: string, private readonly priceOf: (symbol: string) => number | null) {
    super();
  }

  /** Fill a working order (all of it, or `qty`) at `price`, as the market would. */
  fill(clientOrderId: string, price: number, qty?: number): void {
    const o = this.orders.get(clientOrderId);
    if (!o) throw new Error(`no order ${clientOrderId}`);
    this.execute(o, price, qty ?? Number(o.qty));
  }

  /** Orders that were created (a refused duplicate is not an order). */
  created(): FakeAlpacaOrder[] {
    return [...this.orders.values()];
  }

  private execute(o: FakeAlpacaOrder, price: number, qty: number): void {
    const now = new Date().toISOString();
    const pos = this.positions.get(o.symbol) ?? { qty: 0, avgPrice: 0 };
    if (o.side === 'buy') {
      const total = pos.qty + qty;
      this.positions.set(o.symbol, { qty: total, avgPrice: (pos.qty * pos.avgPrice + qty * price) / total });
      this.cash -= qty * price;
    } else {
      const left = pos.qty - qty;
      if (left > 0) this.positions.set(o.symbol, { ...pos, qty: left });
      else this.positions.delete(o.symbol);
      this.cash += qty * price;
    }
    Object.assign(o, {
      filled_qty: String(qty), filled_avg_price: String(price), filled_at: now, updated_at: now,
      status: qty < Number(o.qty) ? 'partially_filled' : 'filled',
    });
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const send = (status: number, payload: unknown) => {
      if (this.stallNext > 0) {
        this.stallNext--;
        this.stalledInFlight++;
        setTimeout(() => {
          this.stalledInFlight--;
          if (payload === undefined) res.writeHead(status).end();
          else this.json(res, status, payload);
        }, this.stallMs);
      } else if (payload === undefined) res.writeHead(status).end();
      else this.json(res, status, payload);
    };
    if (req.headers['apca-api-key-id'] !== this.keyId || req.headers['apca-api-secret-key'] !== this.secret) {
      return this.json(res, 401, { code: 40110000, message: 'request is not authorized' });
    }
    if (this.rateLimitNext > 0) {
      this.rateLimitNext--;
      return this.json(res, 429, { code: 42910000, message: 'rate limit exceeded' });
    }
    if (this.failNext > 0) {
      this.failNext--;
      return this.json(res, 500, { code: 50010000, message: 'internal server error' });
    }
    const path = url.pathname;
    if (req.method === 'POST' && path === '/v2/orders') {
      const b = await body(req);
      const clientId = String(b.client_order_id ?? randomUUID());
      this.posts.push(clientId);
      if (this.orders.has(clientId)) return send(422, { code: 40010001, message: 'client_order_id must be unique' });
      const qty = Number(b.qty);
      const symbol = String(b.symbol);
      if (!(qty > 0)) return send(422, { code: 40010001, message: 'qty must be > 0' });
      const side = b.side === 'sell' ? 'sell' : 'buy';
      const market = this.priceOf(symbol);
      if (market === null) return send(422, { code: 40010001, message: `asset "${symbol}" not found` });
      if (side === 'buy' && qty * market > this.cash) return send(403, { code: 40310000, message: 'insufficient buying power' });
      const held = this.positions.get(symbol)?.qty ?? 0;
      if (side === 'sell' && qty > held) return send(403, { code: 40310000, message: `insufficient qty available for order (requested: ${qty}, available: ${held})` });
      const now = new Date().toISOString();
      const o: FakeAlpacaOrder = {
        id: randomUUID(), client_order_id: clientId, created_at: now, updated_at: now, submitted_at: now, filled_at: null, canceled_at: null,
        asset_class: 'us_equity', symbol, qty: String(qty), filled_qty: '0', filled_avg_price: null, order_class: '', order_type: String(b.type),
        type: String(b.type), side, time_in_force: String(b.time_in_force ?? 'day'), limit_price: (b.limit_price as string | undefined) ?? null,
        stop_price: (b.stop_price as string | undefined) ?? null, status: 'accepted', extended_hours: false,
      };
      this.orders.set(clientId, o);
      if (o.type === 'market') this.execute(o, market, qty);
      return send(200, o);
    }
    if (req.method === 'GET' && path === '/v2/orders:by_client_order_id') {
      const id = url.searchParams.get('client_order_id') ?? '';
      const o = this.orders.get(id);
      return o ? send(200, o) : send(404, { code: 40410000, message: `order not found for ${id}` });
    }
    if (req.method === 'GET' && path === '/v2/orders') {
      const open = [...this.orders.values()].filter((o) => ['new', 'accepted', 'partially_filled', 'pending_new'].includes(o.status));
      return send(200, url.searchParams.get('status') === 'open' ? open : [...this.orders.values()]);
    }
    const cancel = /^\/v2\/orders\/([^/]+)$/.exec(path);
    if (req.method === 'DELETE' && cancel) {
      const o = [...this.orders.values()].find((x) => x.id === cancel[1]);
      if (!o) return send(404, { code: 40410000, message: 'order not found' });
      if (!['new', 'accepted', 'partially_filled'].includes(o.status)) return send(422, { code: 42210000, message: 'order is not cancelable' });
      Object.assign(o, { status: 'canceled', canceled_at: new Date().toISOString() });
      return send(204, undefined);
    }
    if (req.method === 'GET' && path === '/v2/positions') {
      return send(200, [...this.positions.entries()].map(([symbol, p]) => ({
        asset_id: randomUUID(), symbol, exchange: 'NASDAQ', asset_class: 'us_equity', qty: String(p.qty), qty_available: String(p.qty),
        avg_entry_price: String(p.avgPrice), side: 'long', market_value: String(p.qty * p.avgPrice), cost_basis: String(p.qty * p.avgPrice),
      })));
    }
    if (req.method === 'GET' && path === '/v2/account') {
      return send(200, { id: 'fake-account', account_number: 'PA0000000', status: 'ACTIVE', currency: 'USD', cash: String(this.cash), buying_power: String(this.cash), pattern_day_trader: false });
    }
    return this.json(res, 404, { message: 'Not Found' });
  }
}
