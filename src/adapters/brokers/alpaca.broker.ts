/** Alpaca (US equities) through the official SDK (@alpacahq/alpaca-trade-api): the paper endpoint by default,
 * the live endpoint only in live mode (which also needs LIVE_TRADING=true and keys, see assertTradingMode).
 * Idempotency comes from Alpaca itself: a second order with the same client_order_id is refused with 422
 * "client_order_id must be unique", and the adapter then reads the first order back by that id.
 * Errors: 403 (e.g. insufficient buying power) and other 422s are rejections; 429 is a rate limit; 5xx,
 * timeouts and connection failures are temporary (the caller retries; a resend is the same order).
 * Alpaca charges no commission, so fills carry no fee. */
import { createRequire } from 'node:module';
import { ConfigError, OperationalError, RateLimitedError, TemporaryError } from '../../domain/errors.js';
import type { Fill, Order } from '../../domain/types.js';
import type { Broker, BrokerOrderResult, BrokerOrderState, BrokerPosition, OrderRef } from '../../ports/broker.port.js';
import { withTimeout } from '../with-timeout.js';
import { resultOfState } from './broker-result.js';

export interface AlpacaBrokerSettings {
  keyId: string | undefined;
  secretKey: string | undefined;
  /** Overrides the endpoint (tests point it at a fake server). */
  apiRoot: string | undefined;
  live: boolean;
  timeoutMs: number;
}

/** An order as Alpaca's API returns it (the fields used here). */
export interface AlpacaOrder {
  id: string;
  client_order_id: string;
  symbol: string;
  side: 'buy' | 'sell';
  qty: string;
  filled_qty: string;
  filled_avg_price: string | null;
  filled_at: string | null;
  updated_at?: string;
  status: string;
}

interface AlpacaPosition { symbol: string; qty: string; avg_entry_price: string }

/** The subset of the SDK this adapter uses. */
interface AlpacaTradingClient {
  createOrder(body: Record<string, unknown>): Promise<AlpacaOrder>;
  getOrderByClientId(clientOrderId: string): Promise<AlpacaOrder>;
  getOrders(query: Record<string, unknown>): Promise<AlpacaOrder[]>;
  cancelOrder(id: string): Promise<unknown>;
  getPositions(): Promise<AlpacaPosition[]>;
  getAccount(): Promise<{ status: string }>;
}

const Alpaca = createRequire(import.meta.url)('@alpacahq/alpaca-trade-api') as new (config: Record<string, unknown>) => AlpacaTradingClient;

interface HttpFailure { status: number | null; message: string }

function failure(err: unknown): HttpFailure {
  const e = err as { response?: { status?: number; data?: { message?: string } }; message?: string };
  return { status: e.response?.status ?? null, message: e.response?.data?.message ?? e.message ?? String(err) };
}

function temporaryOrThrow(err: unknown, what: string): never {
  if (err instanceof TemporaryError) throw err;
  const f = failure(err);
  if (f.status === 429) throw new RateLimitedError(`${what}: rate limited by Alpaca`, 1);
  if (f.status === null || f.status >= 500) throw new TemporaryError(`${what}: ${f.message}`, { cause: err });
  if (f.status === 401 || f.status === 403) throw new OperationalError(`${what}: Alpaca refused the keys (${f.status} ${f.message})`);
  throw new OperationalError(`${what}: ${f.status} ${f.message}`, { cause: err });
}

const OPEN = new Set(['new', 'accepted', 'pending_new', 'accepted_for_bidding', 'partially_filled', 'calculated', 'held', 'pending_replace', 'pending_cancel', 'replaced', 'stopped', 'suspended']);

/** Alpaca's order as Tiller's broker state. A partly filled order that has ended is `partially_filled`. */
export function alpacaState(o: AlpacaOrder): BrokerOrderState {
  const filledQty = Number(o.filled_qty);
  const fill: Fill | null = filledQty > 0 && o.filled_avg_price
    ? { clientOrderId: o.client_order_id, symbol: o.symbol, side: o.side, qty: filledQty, price: Number(o.filled_avg_price), fee: 0, at: new Date(o.filled_at ?? o.updated_at ?? Date.now()) }
    : null;
  const base = { clientOrderId: o.client_order_id, brokerOrderId: o.id, symbol: o.symbol, fill };
  if (o.status === 'filled') return { ...base, status: 'filled', reason: null };
  if (o.status === 'rejected') return { ...base, status: 'rejected', reason: 'rejected by Alpaca' };
  if (OPEN.has(o.status)) return { ...base, status: 'open', reason: null };
  // canceled, expired, done_for_day
  return { ...base, status: fill ? 'partially_filled' : 'cancelled', reason: `${o.status} at Alpaca` };
}

export class AlpacaBroker implements Broker {
  readonly name = 'alpaca';
  readonly paper: boolean;

  orderKey(clientOrderId: string): string {
    return clientOrderId;
  }
  private readonly client: AlpacaTradingClient;

  constructor(private readonly s: AlpacaBrokerSettings) {
    if (!s.keyId || !s.secretKey) throw new ConfigError('ALPACA_KEY_ID / ALPACA_SECRET_KEY: the Alpaca broker needs an API key pair');
    this.paper = !s.live;
    const baseUrl = s.apiRoot ?? (s.live ? 'https://api.alpaca.markets' : 'https://paper-api.alpaca.markets');
    this.client = new Alpaca({ keyId: s.keyId, secretKey: s.secretKey, paper: !s.live, baseUrl });
  }

  private call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withTimeout(fn(), this.s.timeoutMs, `alpaca ${what}`).catch((err: unknown) => temporaryOrThrow(err, `alpaca ${what}`));
  }

  async submit(order: Order): Promise<BrokerOrderResult> {
    const body: Record<string, unknown> = {
      symbol: order.symbol, qty: String(order.qty), side: order.side, type: order.type, time_in_force: 'day', client_order_id: order.clientOrderId,
    };
    if (order.limitPrice != null) body.limit_price = String(order.limitPrice);
    if (order.stopPrice != null) body.stop_price = String(order.stopPrice);
    try {
      const created = await withTimeout(this.client.createOrder(body), this.s.timeoutMs, `alpaca order ${order.clientOrderId}`);
      return resultOfState(alpacaState(created), 'Alpaca');
    } catch (err) {
      const f = failure(err);
      if (f.status === 422 && /client_order_id must be unique/i.test(f.message)) {
        // Sent before (a retry after a timeout, or a restart after a crash): the first order is the order.
        const first = await this.orderState(order);
        if (first) return resultOfState(first, 'Alpaca');
      }
      if (f.status === 403 || f.status === 422) return { status: 'rejected', reason: `Alpaca: ${f.message}` };
      return temporaryOrThrow(err, `alpaca order ${order.clientOrderId}`);
    }
  }

  async cancel(ref: OrderRef): Promise<void> {
    const clientOrderId = ref.clientOrderId;
    const st = await this.orderState(ref);
    if (!st || st.status !== 'open' || !st.brokerOrderId) return;
    try {
      await withTimeout(this.client.cancelOrder(st.brokerOrderId), this.s.timeoutMs, `alpaca cancel ${clientOrderId}`);
    } catch (err) {
      if (failure(err).status === 422) return; // no longer cancelable: it filled or ended meanwhile
      temporaryOrThrow(err, `alpaca cancel ${clientOrderId}`);
    }
  }

  async orderState({ clientOrderId }: OrderRef): Promise<BrokerOrderState | null> {
    try {
      return alpacaState(await withTimeout(this.client.getOrderByClientId(clientOrderId), this.s.timeoutMs, `alpaca order ${clientOrderId}`));
    } catch (err) {
      if (failure(err).status === 404) return null;
      return temporaryOrThrow(err, `alpaca order ${clientOrderId}`);
    }
  }

  async openOrders(): Promise<BrokerOrderState[]> {
    return (await this.call('open orders', () => this.client.getOrders({ status: 'open', limit: 500 }))).map(alpacaState);
  }

  async positions(): Promise<BrokerPosition[]> {
    return (await this.call('positions', () => this.client.getPositions())).map((p) => ({ symbol: p.symbol, qty: Number(p.qty), avgPrice: Number(p.avg_entry_price) }));
  }

  async probe(): Promise<void> {
    const account = await this.call('account', () => this.client.getAccount());
    if (account.status !== 'ACTIVE') throw new OperationalError(`alpaca account is ${account.status}`);
  }
}
