/** A fake Binance spot trading API (the signed endpoints ccxt's binance client calls), in Binance's own
 * formats, on top of the market-data fake: POST/GET/DELETE /api/v3/order, GET /api/v3/openOrders,
 * /api/v3/myTrades and /api/v3/account. Requests must carry the X-MBX-APIKEY header and an HMAC-SHA256
 * signature of the query, as Binance checks. As on Binance, a client order id is refused as a duplicate
 * only while its first order is still open; after that the same id makes a new order. Fees 0.1 %, a buy's
 * fee charged in the coin bought. Faults on demand: 429 (-1003), 500 (-1001), stalled answers. */
import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeBinance } from './binance-api.js';
import { FakeOrderBook, FaultPlan, type BookOrder, type BookOrderType } from './fake-order-book.js';

const TYPES: Record<string, BookOrderType> = { MARKET: 'market', LIMIT: 'limit', STOP_LOSS: 'stop', STOP_LOSS_LIMIT: 'stop_limit' };
const BINANCE_TYPE: Record<BookOrderType, string> = { market: 'MARKET', limit: 'LIMIT', stop: 'STOP_LOSS', stop_limit: 'STOP_LOSS_LIMIT' };
const STATUS: Record<BookOrder['status'], string> = { open: 'NEW', filled: 'FILLED', canceled: 'CANCELED' };

const fixed = (x: number | null) => (x ?? 0).toFixed(8);

export class FakeBinanceSpot extends FakeBinance {
  readonly book: FakeOrderBook;
  readonly faults = new FaultPlan();

  constructor(btcCsv: string, private readonly apiKey: string, private readonly secret: string, priceOf: (symbol: string) => number | null) {
    super(btcCsv, [['BTC', 'USDT'], ['ETH', 'USDT'], ['ETH', 'BTC'], ['LUNA', 'USDT', 'BREAK']]);
    this.book = new FakeOrderBook({
      priceOf: (s) => priceOf(s), assetsOf: (s) => ({ base: s.replace(/USDT$/, ''), quote: 'USDT' }), feeRate: 0.001, buyFeeIn: 'base', duplicateWhile: ['open'],
    });
  }

  protected override handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const signed = ['/api/v3/order', '/api/v3/openOrders', '/api/v3/myTrades', '/api/v3/account'].includes(url.pathname);
    if (!signed) return super.handle(req, res);
    void this.readBody(req).then((body) => this.trade(req, res, url, body));
  }

  private error(res: ServerResponse, status: number, code: number, msg: string): void {
    this.json(res, status, { code, msg });
  }

  private trade(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    const query = req.method === 'POST' ? body : url.search.slice(1);
    const params = new URLSearchParams(query);
    const unsigned = query.replace(/&signature=[0-9a-f]+$/, '');
    if (req.headers['x-mbx-apikey'] !== this.apiKey) return this.json(res, 401, { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' });
    if (params.get('signature') !== createHmac('sha256', this.secret).update(unsigned).digest('hex')) {
      return this.json(res, 400, { code: -1022, msg: 'Signature for this request is not valid.' });
    }
    const fault = this.faults.take();
    if (fault === 'rate_limit') return this.json(res, 429, { code: -1003, msg: 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE.' }, { 'retry-after': '1' });
    if (fault === 'fail') return this.json(res, 500, { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' });
    const ok = (payload: unknown) => this.json(res, 200, payload);
    const symbol = params.get('symbol') ?? '';

    if (url.pathname === '/api/v3/order' && req.method === 'POST') {
      const type = TYPES[params.get('type') ?? ''];
      if (!type) return this.error(res, 400, -1116, 'Invalid orderType.');
      const placed = this.book.place({
        clientId: params.get('newClientOrderId') ?? '', symbol, side: params.get('side') === 'SELL' ? 'sell' : 'buy', type, qty: Number(params.get('quantity')),
        limitPrice: params.has('price') ? Number(params.get('price')) : null, stopPrice: params.has('stopPrice') ? Number(params.get('stopPrice')) : null,
      });
      if (placed === 'duplicate') return this.error(res, 400, -2010, 'Duplicate order sent.');
      if (placed === 'unknown_symbol') return this.error(res, 400, -1121, 'Invalid symbol.');
      if (placed === 'bad_qty') return this.error(res, 400, -1013, 'Filter failure: LOT_SIZE');
      if (placed === 'insufficient_funds' || placed === 'insufficient_holdings') return this.error(res, 400, -2010, 'Account has insufficient balance for requested action.');
      return this.faults.answerPlacement(() => ok({ ...this.view(placed), transactTime: placed.createdAt, fills: this.fills(placed) }));
    }
    if (url.pathname === '/api/v3/order' && (req.method === 'GET' || req.method === 'DELETE')) {
      const clientId = params.get('origClientOrderId');
      const o = clientId ? this.book.byClientId(clientId) : this.book.byId(params.get('orderId') ?? '');
      if (!o || o.symbol !== symbol) return this.error(res, 400, req.method === 'GET' ? -2013 : -2011, req.method === 'GET' ? 'Order does not exist.' : 'Unknown order sent.');
      if (req.method === 'DELETE' && this.book.cancel(o) !== 'ok') return this.error(res, 400, -2011, 'Unknown order sent.');
      return ok(this.view(o));
    }
    if (url.pathname === '/api/v3/openOrders') return ok(this.book.open().filter((o) => !symbol || o.symbol === symbol).map((o) => this.view(o)));
    if (url.pathname === '/api/v3/myTrades') {
      const o = this.book.byId(params.get('orderId') ?? '');
      return ok(o && o.filled > 0 ? [{
        symbol: o.symbol, id: Number(o.id) * 10, orderId: Number(o.id), orderListId: -1, price: fixed(o.avgPrice), qty: fixed(o.filled),
        quoteQty: fixed(o.filled * (o.avgPrice ?? 0)), commission: fixed(o.fee), commissionAsset: o.feeAsset, time: o.updatedAt,
        isBuyer: o.side === 'buy', isMaker: false, isBestMatch: true,
      }] : []);
    }
    // GET /api/v3/account
    return ok({
      makerCommission: 10, takerCommission: 10, buyerCommission: 0, sellerCommission: 0, canTrade: true, canWithdraw: true, canDeposit: true,
      updateTime: Date.now(), accountType: 'SPOT', permissions: ['SPOT'],
      balances: [...this.book.balances.entries()].map(([asset, v]) => {
        const locked = this.book.open().filter((o) => (o.side === 'sell' ? o.base : o.quote) === asset)
          .reduce((s, o) => s + (o.side === 'sell' ? o.qty - o.filled : (o.qty - o.filled) * (o.limitPrice ?? 0)), 0);
        return { asset, free: fixed(v - locked), locked: fixed(locked) };
      }),
    });
  }

  /** An order as GET /api/v3/order returns it. */
  private view(o: BookOrder) {
    return {
      symbol: o.symbol, orderId: Number(o.id), orderListId: -1, clientOrderId: o.clientId, price: fixed(o.limitPrice), origQty: fixed(o.qty),
      executedQty: fixed(o.filled), cummulativeQuoteQty: fixed(o.filled * (o.avgPrice ?? 0)), status: STATUS[o.status], timeInForce: 'GTC',
      type: BINANCE_TYPE[o.type], side: o.side.toUpperCase(), stopPrice: fixed(o.stopPrice), icebergQty: '0.00000000', time: o.createdAt,
      updateTime: o.updatedAt, isWorking: true, workingTime: o.createdAt, origQuoteOrderQty: '0.00000000', selfTradePreventionMode: 'EXPIRE_MAKER',
    };
  }

  /** The FULL response's fills (one per filled order here). */
  private fills(o: BookOrder) {
    return o.filled > 0 ? [{ price: fixed(o.avgPrice), qty: fixed(o.filled), commission: fixed(o.fee), commissionAsset: o.feeAsset, tradeId: Number(o.id) * 10 }] : [];
  }
}
