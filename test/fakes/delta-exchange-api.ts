/** A fake Delta Exchange REST API (v2), the endpoints ccxt's delta client calls for spot trading, in Delta's
 * formats ({ success, result } and { success: false, error: { code } }): GET /v2/products and /v2/assets,
 * POST/DELETE /v2/orders, GET /v2/orders (open), GET /v2/orders/client_order_id/{id} and
 * /v2/wallet/balances. Private calls must carry api-key, timestamp and an HMAC-SHA256 signature of
 * method + timestamp + path + query or body, as Delta checks. A client order id is unique per account:
 * a second order with it is refused. Fees 0.05 % of the notional in the quote asset. Faults on demand: 429
 * (with X-RATE-LIMIT-RESET), 503 "unavailable", a placement answered too late. */
import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from './fake-http-server.js';
import { FakeOrderBook, FaultPlan, type BookOrder } from './fake-order-book.js';

interface Asset { id: number; symbol: string; precision: number }
const ASSETS: Asset[] = [{ id: 5, symbol: 'USDT', precision: 8 }, { id: 1, symbol: 'BTC', precision: 8 }, { id: 3, symbol: 'ETH', precision: 8 }, { id: 66, symbol: 'SOL', precision: 8 }];
const PRODUCTS = [
  { id: 14_969, symbol: 'BTC_USDT', base: 'BTC', state: 'live' },
  { id: 14_970, symbol: 'ETH_USDT', base: 'ETH', state: 'live' },
  { id: 14_971, symbol: 'SOL_USDT', base: 'SOL', state: 'expired' },
];

export class FakeDeltaExchange extends FakeHttpServer {
  readonly book: FakeOrderBook;
  readonly faults = new FaultPlan();

  /** `priceOf` takes Delta product symbols (BTC_USDT). */
  constructor(private readonly apiKey: string, private readonly secret: string, priceOf: (symbol: string) => number | null) {
    super();
    this.book = new FakeOrderBook({
      priceOf, assetsOf: (s) => ({ base: s.replace(/_USDT$/, ''), quote: 'USDT' }), feeRate: 0.0005, buyFeeIn: 'quote', duplicateWhile: ['open', 'filled', 'canceled'],
    });
  }

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    void this.readBody(req).then((body) => this.route(req, res, body));
  }

  private fail(res: ServerResponse, status: number, code: string, context?: unknown): void {
    this.json(res, status, { success: false, error: context ? { code, context } : { code } });
  }

  private route(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const p = url.pathname;
    if (p === '/v2/products') return this.json(res, 200, { success: true, result: PRODUCTS.map(product) });
    if (p === '/v2/assets') return this.json(res, 200, { success: true, result: ASSETS.map(asset) });

    if (req.headers['api-key'] !== this.apiKey) return this.json(res, 401, { success: false, error: { code: 'invalid_api_key' } });
    const signed = `${req.method}${String(req.headers.timestamp)}${p}${url.search}${body}`;
    if (req.headers.signature !== createHmac('sha256', this.secret).update(signed).digest('hex')) {
      return this.json(res, 401, { success: false, error: { code: 'invalid_signature' } });
    }
    const fault = this.faults.take();
    if (fault === 'rate_limit') {
      res.writeHead(429, { 'content-type': 'text/plain', 'x-rate-limit-reset': '1000' });
      return void res.end('Too Many Requests');
    }
    if (fault === 'fail') return this.json(res, 503, { success: false, error: { code: 'unavailable' } });
    const ok = (result: unknown) => this.json(res, 200, { success: true, result });
    const args = body ? (JSON.parse(body) as Record<string, unknown>) : {};

    if (p === '/v2/orders' && req.method === 'POST') {
      const prod = PRODUCTS.find((x) => x.id === Number(args.product_id));
      if (!prod || prod.state !== 'live') return this.fail(res, 400, 'invalid_contract');
      const stop = args.stop_price != null ? Number(args.stop_price) : null;
      const limit = args.order_type === 'limit_order' ? Number(args.limit_price) : null;
      const placed = this.book.place({
        clientId: String(args.client_order_id ?? ''), symbol: prod.symbol, side: args.side === 'sell' ? 'sell' : 'buy', qty: Number(args.size),
        type: stop !== null ? (limit !== null ? 'stop_limit' : 'stop') : limit !== null ? 'limit' : 'market', limitPrice: limit, stopPrice: stop,
      });
      if (placed === 'duplicate') return this.fail(res, 400, 'duplicate_client_order_id');
      if (placed === 'unknown_symbol') return this.fail(res, 400, 'invalid_contract');
      if (placed === 'bad_qty') return this.fail(res, 400, 'bad_schema', { schema_errors: [{ code: 'validation_error', message: 'size is invalid', param: 'size' }] });
      if (placed === 'insufficient_funds' || placed === 'insufficient_holdings') {
        return this.fail(res, 400, 'insufficient_margin', { available_balance: String(this.book.balance(placed === 'insufficient_funds' ? 'USDT' : prod.base)), required_additional_balance: '1' });
      }
      return this.faults.answerPlacement(() => ok(this.view(placed)));
    }
    if (p === '/v2/orders' && req.method === 'DELETE') {
      const o = this.book.byId(String(args.id));
      if (!o || this.book.cancel(o) !== 'ok') return this.fail(res, 404, 'open_order_not_found');
      return ok(this.view(o));
    }
    if (p === '/v2/orders' && req.method === 'GET') return ok(this.book.open().map((o) => this.view(o)));
    const byClient = /^\/v2\/orders\/client_order_id\/(.+)$/.exec(p);
    if (byClient && req.method === 'GET') {
      const o = this.book.byClientId(decodeURIComponent(byClient[1]!));
      return o ? ok(this.view(o)) : this.fail(res, 404, 'open_order_not_found');
    }
    if (p === '/v2/wallet/balances') {
      return ok(ASSETS.map((a) => ({
        asset_id: a.id, asset_symbol: a.symbol, balance: this.book.balance(a.symbol).toFixed(8), available_balance: this.book.balance(a.symbol).toFixed(8),
        blocked_margin: '0', order_margin: '0', position_margin: '0', commission: '0', id: 100 + a.id, user_id: 22_142,
      })));
    }
    this.json(res, 404, { success: false, error: { code: 'not_found' } });
  }

  /** An order as Delta returns it. */
  private view(o: BookOrder) {
    const prod = PRODUCTS.find((x) => x.symbol === o.symbol)!;
    const state = o.status === 'canceled' ? 'cancelled' : o.status === 'filled' ? 'closed' : 'open';
    return {
      id: Number(o.id), user_id: 22_142, product_id: prod.id, product_symbol: prod.symbol, client_order_id: o.clientId || null, side: o.side,
      order_type: o.limitPrice !== null ? 'limit_order' : 'market_order', size: String(o.qty), unfilled_size: String(Number((o.qty - o.filled).toPrecision(12))),
      limit_price: o.limitPrice !== null ? String(o.limitPrice) : null, stop_price: o.stopPrice !== null ? String(o.stopPrice) : null,
      stop_order_type: o.stopPrice !== null ? 'stop_loss_order' : null, average_fill_price: o.avgPrice !== null ? String(o.avgPrice) : null,
      paid_commission: o.fee.toFixed(8), commission: '0', state, time_in_force: 'gtc', reduce_only: false, created_at: `${o.createdAt * 1000}`,
      meta_data: { source: 'api' }, cancellation_reason: o.status === 'canceled' ? 'cancelled_by_user' : null,
    };
  }
}

function asset(a: Asset) {
  return { id: a.id, symbol: a.symbol, name: a.symbol, precision: a.precision, deposit_status: 'enabled', withdrawal_status: 'enabled', base_withdrawal_fee: '0', min_withdrawal_amount: '0' };
}

/** A spot product in Delta's format (the fields ccxt reads). */
function product(p: (typeof PRODUCTS)[number]) {
  const usdt = asset(ASSETS[0]!);
  const base = asset(ASSETS.find((a) => a.symbol === p.base)!);
  return {
    id: p.id, symbol: p.symbol, contract_type: 'spot', state: p.state, description: `${p.base} / USDT spot`, tick_size: '0.01', contract_value: '1',
    contract_unit_currency: p.base, taker_commission_rate: '0.0005', maker_commission_rate: '0.0005', is_quanto: false, notional_type: 'vanilla',
    position_size_limit: 1_000_000, settlement_time: null, strike_price: null, launch_time: '2022-02-03T10:18:11Z', trading_status: 'operational',
    product_specs: { min_order_size: 0.0001, max_order_size: 1000, quoting_precision: 2, underlying_precision: 4 },
    quoting_asset: usdt, settling_asset: usdt, underlying_asset: base, spot_index: { symbol: `.DE${p.base}USDT`, index_type: 'spot_pair' },
  };
}
