/** Zerodha Kite (NSE and BSE equities) through the official client, `kiteconnect`. Kite has no paper
 * endpoint, so this broker exists only in live mode (with the live switch and credentials, see
 * assertTradingMode); for paper trading on NSE use the paper broker.
 *
 * Symbols: `RELIANCE.NS` (Yahoo's form, as the pipeline stores them) is tradingsymbol RELIANCE on NSE,
 * `.BO` is BSE; a bare symbol is NSE. Orders are delivery (CNC) day orders.
 *
 * Idempotency: Kite has no client order id, only a free `tag` of at most 20 alphanumerics, and it does not
 * refuse a reused tag. The tag sent is a hash of Tiller's client order id, and before placing the adapter
 * looks for an order with that tag in the day's order book; a resend after a timeout or a crash finds the
 * first order instead of placing a second one. Kite's order book holds today's orders only: an order of an
 * earlier day that Tiller never resolved is not found (the reconciler then cancels it in its books, and the
 * position comparison pauses trading if the order had filled).
 *
 * Positions: holdings (settled and T1 quantity) plus today's delivery (CNC) net quantity.
 * Fills carry no fee: Zerodha charges no brokerage on delivery, and the statutory charges are in the
 * contract note, not in the order.
 * Errors (kiteconnect rejects with Kite's { error_type, message }): TokenException means the daily access
 * token expired or is wrong (operator: log in again); NetworkException (timeouts, 429 "Too many requests")
 * and GeneralException (Kite's 5xx) are temporary; Input/Order/Margin/Holding exceptions are rejections. */
import { KiteConnect } from 'kiteconnect';
import { DateTime } from 'luxon';
import { ConfigError, OperationalError, RateLimitedError, TemporaryError } from '../../domain/errors.js';
import type { Fill, Order } from '../../domain/types.js';
import type { Broker, BrokerOrderResult, BrokerOrderState, BrokerPosition, OrderRef } from '../../ports/broker.port.js';
import { withTimeout } from '../with-timeout.js';
import { brokerOrderKey } from './broker-order-key.js';
import { resultOfState } from './broker-result.js';

export interface KiteBrokerSettings {
  apiKey: string | undefined;
  accessToken: string | undefined;
  /** Overrides https://api.kite.trade (tests point it at a fake Kite). */
  apiRoot: string | undefined;
  live: boolean;
  timeoutMs: number;
  /** How often and how long to wait for a market order to complete after placing it. */
  settlePolls?: number;
  settlePollMs?: number;
}

/** An order as Kite returns it (the fields used here). */
interface KiteOrder {
  order_id: string;
  status: string;
  status_message: string | null;
  exchange: string;
  tradingsymbol: string;
  transaction_type: 'BUY' | 'SELL';
  quantity: number;
  filled_quantity: number;
  average_price: number;
  tag: string | null;
  exchange_update_timestamp?: string | null;
}

interface KiteHolding { tradingsymbol: string; exchange: string; quantity: number; t1_quantity: number }
interface KitePosition { tradingsymbol: string; exchange: string; product: string; quantity: number }

/** The subset of the client this adapter uses. */
interface KiteClient {
  placeOrder(variety: string, params: Record<string, unknown>): Promise<{ order_id: string }>;
  getOrders(): Promise<KiteOrder[]>;
  getOrderHistory(orderId: string): Promise<KiteOrder[]>;
  cancelOrder(variety: string, orderId: string): Promise<{ order_id: string }>;
  getHoldings(): Promise<KiteHolding[]>;
  getPositions(): Promise<{ net: KitePosition[]; day: KitePosition[] }>;
  getProfile(): Promise<{ user_id: string }>;
}

const OPEN = new Set(['OPEN', 'TRIGGER PENDING', 'PUT ORDER REQ RECEIVED', 'VALIDATION PENDING', 'OPEN PENDING', 'MODIFY PENDING', 'MODIFY VALIDATION PENDING', 'CANCEL PENDING', 'AMO REQ RECEIVED']);
const ORDER_TYPES: Record<Order['type'], string> = { market: 'MARKET', limit: 'LIMIT', stop: 'SL-M', stop_limit: 'SL' };
const TAG_LENGTH = 20;

interface KiteFailure { error_type?: string; message?: string }

function failureOf(err: unknown): KiteFailure {
  return typeof err === 'object' && err !== null ? (err as KiteFailure) : { message: String(err) };
}

const REJECTIONS = new Set(['InputException', 'OrderException', 'MarginException', 'HoldingException']);

function classify(err: unknown, what: string): Error {
  if (err instanceof TemporaryError || err instanceof OperationalError) return err;
  const f = failureOf(err);
  const msg = `${what}: ${f.message ?? 'unknown error'}`;
  switch (f.error_type) {
    case 'TokenException':
      return new OperationalError(`${what}: Kite refused the session (${f.message}); log in again and set a new KITE_ACCESS_TOKEN`);
    case 'NetworkException':
      return /too many requests/i.test(f.message ?? '') ? new RateLimitedError(msg, 1) : new TemporaryError(msg);
    case 'GeneralException':
    case 'DataException':
      return new TemporaryError(msg);
    default:
      return new OperationalError(msg);
  }
}

/** Kite's exchange timestamps are India time, `YYYY-MM-DD HH:mm:ss`. */
function istInstant(s: string | null | undefined): Date | null {
  if (!s) return null;
  const t = DateTime.fromFormat(s, 'yyyy-MM-dd HH:mm:ss', { zone: 'Asia/Kolkata' });
  return t.isValid ? t.toJSDate() : null;
}

/** `RELIANCE.NS` → NSE RELIANCE; `.BO` → BSE; a bare symbol → NSE. */
export function kiteInstrument(symbol: string): { exchange: 'NSE' | 'BSE'; tradingsymbol: string } {
  if (symbol.endsWith('.BO')) return { exchange: 'BSE', tradingsymbol: symbol.slice(0, -3) };
  return { exchange: 'NSE', tradingsymbol: symbol.endsWith('.NS') ? symbol.slice(0, -3) : symbol };
}

function tillerSymbol(exchange: string, tradingsymbol: string): string {
  return exchange === 'BSE' ? `${tradingsymbol}.BO` : `${tradingsymbol}.NS`;
}

export class KiteBroker implements Broker {
  readonly name = 'kite';
  readonly paper = false;
  private readonly client: KiteClient;

  constructor(private readonly s: KiteBrokerSettings) {
    if (!s.live) throw new ConfigError('trading.broker: Kite has no paper endpoint; paper trade NSE with the paper broker, or trade live (trading.mode: live)');
    if (!s.apiKey || !s.accessToken) throw new ConfigError('KITE_API_KEY / KITE_ACCESS_TOKEN: the Kite broker needs the API key and the day\'s access token');
    this.client = new KiteConnect({ api_key: s.apiKey, access_token: s.accessToken, timeout: s.timeoutMs, ...(s.apiRoot ? { root: s.apiRoot } : {}) }) as unknown as KiteClient;
  }

  orderKey(clientOrderId: string): string {
    return brokerOrderKey(clientOrderId, TAG_LENGTH);
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(fn(), this.s.timeoutMs, `kite ${what}`);
    } catch (err) {
      throw classify(err, `kite ${what}`);
    }
  }

  /** Today's order with this tag, latest first. */
  private async findByTag(ref: OrderRef): Promise<KiteOrder | null> {
    const tag = this.orderKey(ref.clientOrderId);
    const orders = await this.call('orders', () => this.client.getOrders());
    return [...orders].reverse().find((o) => o.tag === tag) ?? null;
  }

  async submit(order: Order): Promise<BrokerOrderResult> {
    const known = await this.findByTag(order);
    if (known) return resultOfState(this.state(order, known), 'Kite');
    const { exchange, tradingsymbol } = kiteInstrument(order.symbol);
    const params: Record<string, unknown> = {
      exchange, tradingsymbol, transaction_type: order.side === 'buy' ? 'BUY' : 'SELL', quantity: order.qty, product: 'CNC',
      order_type: ORDER_TYPES[order.type], validity: 'DAY', tag: this.orderKey(order.clientOrderId),
    };
    if (order.limitPrice != null && (order.type === 'limit' || order.type === 'stop_limit')) params.price = order.limitPrice;
    if (order.stopPrice != null && (order.type === 'stop' || order.type === 'stop_limit')) params.trigger_price = order.stopPrice;
    let orderId: string;
    try {
      orderId = (await withTimeout(this.client.placeOrder('regular', params), this.s.timeoutMs, `kite order ${order.clientOrderId}`)).order_id;
    } catch (err) {
      const f = failureOf(err);
      if (f.error_type && REJECTIONS.has(f.error_type)) return { status: 'rejected', reason: `Kite: ${f.message ?? f.error_type}` };
      const e = classify(err, `kite order ${order.clientOrderId}`);
      // A timeout or a server error may have lost the answer after Kite took the order: look before the
      // caller retries (a rate limit means Kite did not take it).
      if (e instanceof TemporaryError && !(e instanceof RateLimitedError)) {
        const placed = await this.findByTag(order).catch(() => null);
        if (placed) return resultOfState(this.state(order, placed), 'Kite');
      }
      throw e;
    }
    return resultOfState(this.state(order, await this.settle(order, orderId)), 'Kite');
  }

  /** The order's latest state; a market order is given a moment to complete (Kite fills it in well under a
   * second), after which a still-working order is reported as submitted and resolved by the next sync. */
  private async settle(order: Order, orderId: string): Promise<KiteOrder> {
    const polls = order.type === 'market' ? this.s.settlePolls ?? 5 : 1;
    let last: KiteOrder | undefined;
    for (let i = 0; i < polls; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, this.s.settlePollMs ?? 200));
      last = (await this.call(`order ${orderId}`, () => this.client.getOrderHistory(orderId))).at(-1);
      if (last && !OPEN.has(last.status)) break;
    }
    if (!last) throw new TemporaryError(`kite order ${orderId}: Kite returned no history`);
    return last;
  }

  private state(ref: OrderRef, o: KiteOrder): BrokerOrderState {
    const filled = Number(o.filled_quantity ?? 0);
    const fill: Fill | null = filled > 0
      ? {
          clientOrderId: ref.clientOrderId, symbol: ref.symbol, side: o.transaction_type === 'SELL' ? 'sell' : 'buy', qty: filled, price: Number(o.average_price),
          fee: 0, at: istInstant(o.exchange_update_timestamp) ?? new Date(),
        }
      : null;
    const base = { clientOrderId: o.tag ?? '', brokerOrderId: o.order_id, symbol: ref.symbol, fill };
    if (o.status === 'COMPLETE') return { ...base, status: 'filled', reason: null };
    if (OPEN.has(o.status)) return { ...base, status: 'open', reason: null };
    if (o.status === 'REJECTED') return { ...base, status: fill ? 'partially_filled' : 'rejected', reason: `Kite: ${o.status_message ?? 'rejected'}` };
    return { ...base, status: fill ? 'partially_filled' : 'cancelled', reason: `Kite: ${o.status_message ?? o.status.toLowerCase()}` };
  }

  async cancel(ref: OrderRef): Promise<void> {
    const o = await this.findByTag(ref);
    if (!o || !OPEN.has(o.status)) return;
    try {
      await withTimeout(this.client.cancelOrder('regular', o.order_id), this.s.timeoutMs, `kite cancel ${ref.clientOrderId}`);
    } catch (err) {
      if (failureOf(err).error_type === 'InputException') return; // completed or cancelled meanwhile
      throw classify(err, `kite cancel ${ref.clientOrderId}`);
    }
  }

  async orderState(ref: OrderRef): Promise<BrokerOrderState | null> {
    const o = await this.findByTag(ref);
    return o ? this.state(ref, o) : null;
  }

  async openOrders(): Promise<BrokerOrderState[]> {
    const orders = await this.call('orders', () => this.client.getOrders());
    return orders.filter((o) => OPEN.has(o.status)).map((o) => ({
      clientOrderId: o.tag ?? '', brokerOrderId: o.order_id, symbol: tillerSymbol(o.exchange, o.tradingsymbol), status: 'open' as const, fill: null, reason: null,
    }));
  }

  async positions(): Promise<BrokerPosition[]> {
    const [holdings, positions] = await Promise.all([
      this.call('holdings', () => this.client.getHoldings()),
      this.call('positions', () => this.client.getPositions()),
    ]);
    const qty = new Map<string, number>();
    const add = (symbol: string, q: number) => qty.set(symbol, (qty.get(symbol) ?? 0) + q);
    for (const h of holdings) add(tillerSymbol(h.exchange, h.tradingsymbol), Number(h.quantity) + Number(h.t1_quantity));
    for (const p of positions.day) if (p.product === 'CNC') add(tillerSymbol(p.exchange, p.tradingsymbol), Number(p.quantity));
    return [...qty.entries()].filter(([, q]) => q !== 0).map(([symbol, q]) => ({ symbol, qty: q, avgPrice: 0 })).sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  async probe(): Promise<void> {
    await this.call('profile', () => this.client.getProfile());
  }
}
