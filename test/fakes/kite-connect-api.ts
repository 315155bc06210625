/** A fake Kite Connect API (v3), the endpoints the official `kiteconnect` client calls for trading, in Kite's
 * formats ({ status: "success", data } and { status: "error", message, error_type }): POST
 * /orders/regular (form-encoded), GET /orders, GET /orders/{id} (history), DELETE /orders/regular/{id},
 * GET /portfolio/holdings and /portfolio/positions, GET /user/profile. Requests need
 * `Authorization: token api_key:access_token` and `X-Kite-Version: 3`. As on Kite, orders are accepted first
 * and checked by the risk system after: a buy beyond the funds or a sell beyond the holdings comes back
 * REJECTED with an RMS message; an unknown instrument is an InputException at once. Tags are not unique.
 * Faults on demand: 429 "Too many requests", 500 GeneralException, a placement answered too late. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from './fake-http-server.js';
import { FakeOrderBook, FaultPlan, type BookOrder, type BookOrderType } from './fake-order-book.js';

const TYPES: Record<string, BookOrderType> = { MARKET: 'market', LIMIT: 'limit', 'SL-M': 'stop', SL: 'stop_limit' };
const KITE_TYPE: Record<BookOrderType, string> = { market: 'MARKET', limit: 'LIMIT', stop: 'SL-M', stop_limit: 'SL' };

/** India time as Kite writes it: `YYYY-MM-DD HH:mm:ss`. */
function ist(ms: number): string {
  return new Date(ms + 5.5 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

interface Rejected { id: string; tag: string; symbol: string; side: 'buy' | 'sell'; qty: number; type: BookOrderType; message: string; at: number }

export class FakeKite extends FakeHttpServer {
  readonly book: FakeOrderBook;
  readonly faults = new FaultPlan();
  /** Settled holdings by `EXCHANGE:SYMBOL` (the book holds today's trades). */
  readonly holdings = new Map<string, number>();
  private readonly rejected: Rejected[] = [];
  private nextRejected = 900_000;

  /** `priceOf` takes `EXCHANGE:TRADINGSYMBOL` (NSE:RELIANCE). */
  constructor(private readonly apiKey: string, private readonly accessToken: string, priceOf: (instrument: string) => number | null) {
    super();
    this.book = new FakeOrderBook({ priceOf, assetsOf: (s) => ({ base: s, quote: 'INR' }), feeRate: 0, buyFeeIn: 'quote', duplicateWhile: [] });
  }

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    void this.readBody(req).then((body) => this.route(req, res, body));
  }

  private error(res: ServerResponse, status: number, errorType: string, message: string): void {
    this.json(res, status, { status: 'error', message, data: null, error_type: errorType });
  }

  private route(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const p = url.pathname;
    if (req.headers.authorization !== `token ${this.apiKey}:${this.accessToken}` || req.headers['x-kite-version'] !== '3') {
      return this.error(res, 403, 'TokenException', 'Incorrect `api_key` or `access_token`.');
    }
    const fault = this.faults.take();
    if (fault === 'rate_limit') return this.error(res, 429, 'NetworkException', 'Too many requests');
    if (fault === 'fail') return this.error(res, 500, 'GeneralException', 'Something went wrong. Please try again.');
    const ok = (data: unknown) => this.json(res, 200, { status: 'success', data });

    if (p === '/orders/regular' && req.method === 'POST') {
      const f = new URLSearchParams(body);
      const type = TYPES[f.get('order_type') ?? ''];
      if (!type) return this.error(res, 400, 'InputException', 'Invalid `order_type`.');
      if (f.get('product') !== 'CNC' && f.get('product') !== 'MIS') return this.error(res, 400, 'InputException', 'Invalid `product`.');
      const symbol = `${f.get('exchange') ?? ''}:${f.get('tradingsymbol') ?? ''}`;
      const tag = f.get('tag') ?? '';
      if (tag.length > 20 || /[^A-Za-z0-9]/.test(tag)) return this.error(res, 400, 'InputException', 'Invalid `tag`. Tag should be alphanumeric and not more than 20 characters.');
      const qty = Number(f.get('quantity'));
      if (!Number.isInteger(qty) || qty <= 0) return this.error(res, 400, 'InputException', 'Invalid `quantity`.');
      const placed = this.book.place({
        clientId: tag, symbol, side: f.get('transaction_type') === 'SELL' ? 'sell' : 'buy', type, qty,
        limitPrice: f.has('price') ? Number(f.get('price')) : null, stopPrice: f.has('trigger_price') ? Number(f.get('trigger_price')) : null,
      });
      if (placed === 'unknown_symbol') return this.error(res, 400, 'InputException', 'Invalid `tradingsymbol`.');
      if (typeof placed === 'string') {
        const side = f.get('transaction_type') === 'SELL' ? 'sell' : 'buy';
        const message = placed === 'insufficient_funds'
          ? `RMS:Margin Exceeds,Required:${qty}, Available Cash:${this.book.balance('INR').toFixed(2)} for entity account-FAKE1 across exchange across segment across product`
          : `RMS:Rule: Check holdings for entity account-FAKE1 across exchange across segment across product: Insufficient holdings for ${symbol}`;
        const r: Rejected = { id: String(this.nextRejected++), tag, symbol, side, qty, type, message, at: Date.now() };
        this.rejected.push(r);
        return ok({ order_id: r.id });
      }
      return this.faults.answerPlacement(() => ok({ order_id: placed.id }));
    }
    if (p === '/orders' && req.method === 'GET') return ok(this.all());
    const history = /^\/orders\/(\d+)$/.exec(p);
    if (history && req.method === 'GET') {
      const o = this.all().find((x) => x.order_id === history[1]);
      return o ? ok([{ ...o, status: 'PUT ORDER REQ RECEIVED', filled_quantity: 0, average_price: 0 }, o]) : this.error(res, 400, 'InputException', 'Invalid `order_id`.');
    }
    const cancel = /^\/orders\/regular\/(\d+)$/.exec(p);
    if (cancel && req.method === 'DELETE') {
      const o = this.book.byId(cancel[1]!);
      if (!o || this.book.cancel(o) !== 'ok') return this.error(res, 400, 'InputException', 'Order cannot be cancelled as it is being processed. Try later.');
      return ok({ order_id: o.id });
    }
    if (p === '/portfolio/holdings') {
      return ok([...this.holdings.entries()].map(([k, q]) => {
        const [exchange, tradingsymbol] = k.split(':');
        return { tradingsymbol, exchange, isin: 'INE000A00000', product: 'CNC', quantity: q, t1_quantity: 0, realised_quantity: q, authorised_quantity: 0, opening_quantity: q, collateral_quantity: 0, average_price: 0, last_price: 0, pnl: 0 };
      }));
    }
    if (p === '/portfolio/positions') {
      const day = [...this.book.balances.entries()].filter(([k, q]) => k !== 'INR' && q !== 0).map(([k, q]) => {
        const [exchange, tradingsymbol] = k.split(':');
        return { tradingsymbol, exchange, instrument_token: 0, product: 'CNC', quantity: q, overnight_quantity: 0, multiplier: 1, average_price: 0, last_price: 0, pnl: 0 };
      });
      return ok({ net: day, day });
    }
    if (p === '/user/profile') return ok({ user_id: 'AB1234', user_name: 'Fake Trader', user_type: 'individual', email: 'trader@example.com', broker: 'ZERODHA', exchanges: ['NSE', 'BSE'], products: ['CNC', 'MIS'], order_types: ['MARKET', 'LIMIT', 'SL', 'SL-M'] });
    this.error(res, 404, 'GeneralException', 'Route not found');
  }

  /** The day's order book in Kite's format, accepted and RMS-rejected orders in time order. */
  private all() {
    const accepted = this.book.orders.map((o) => ({ at: o.createdAt, order: this.view(o) }));
    const rejected = this.rejected.map((r) => ({
      at: r.at,
      order: this.kiteOrder({ id: r.id, tag: r.tag, symbol: r.symbol, side: r.side, qty: r.qty, type: r.type, at: r.at, status: 'REJECTED', message: r.message, filled: 0, avg: 0, price: null, trigger: null }),
    }));
    return [...accepted, ...rejected].sort((a, b) => a.at - b.at).map((x) => x.order);
  }

  private view(o: BookOrder) {
    const status = o.status === 'filled' ? 'COMPLETE' : o.status === 'canceled' ? 'CANCELLED' : o.stopPrice !== null ? 'TRIGGER PENDING' : 'OPEN';
    return this.kiteOrder({
      id: o.id, tag: o.clientId, symbol: o.symbol, side: o.side, qty: o.qty, type: o.type, at: o.updatedAt, status, message: null, filled: o.filled,
      avg: o.avgPrice ?? 0, price: o.limitPrice, trigger: o.stopPrice,
    });
  }

  private kiteOrder(o: { id: string; tag: string; symbol: string; side: 'buy' | 'sell'; qty: number; type: BookOrderType; at: number; status: string; message: string | null; filled: number; avg: number; price: number | null; trigger: number | null }) {
    const [exchange, tradingsymbol] = o.symbol.split(':');
    return {
      placed_by: 'AB1234', order_id: o.id, exchange_order_id: o.status === 'REJECTED' ? null : `13000000${o.id}`, parent_order_id: null, status: o.status,
      status_message: o.message, status_message_raw: o.message, order_timestamp: ist(o.at), exchange_update_timestamp: ist(o.at), exchange_timestamp: ist(o.at),
      variety: 'regular', modified: false, exchange, tradingsymbol, instrument_token: 738_561, order_type: KITE_TYPE[o.type],
      transaction_type: o.side === 'sell' ? 'SELL' : 'BUY', validity: 'DAY', validity_ttl: 0, product: 'CNC', quantity: o.qty, disclosed_quantity: 0,
      price: o.price ?? 0, trigger_price: o.trigger ?? 0, average_price: o.avg, filled_quantity: o.filled, pending_quantity: o.status === 'OPEN' || o.status === 'TRIGGER PENDING' ? o.qty - o.filled : 0,
      cancelled_quantity: o.status === 'CANCELLED' ? o.qty - o.filled : 0, market_protection: 0, meta: {}, tag: o.tag || null, tags: o.tag ? [o.tag] : [], guid: `fake-${o.id}`,
    };
  }
}
