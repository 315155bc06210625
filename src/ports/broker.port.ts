import type { Fill, Order } from '../domain/types.js';

/** What a broker said about one order when it was sent. */
export type BrokerOrderResult =
  | { status: 'filled'; fill: Fill; brokerOrderId?: string }
  /** Part filled, the rest cancelled (a day order on thin volume). */
  | { status: 'partially_filled'; fill: Fill; brokerOrderId?: string }
  /** Accepted and working (a resting limit or stop order). */
  | { status: 'submitted'; brokerOrderId?: string }
  | { status: 'rejected'; reason: string }
  /** Ended without any fill: a day order that never triggered, or cancelled by the broker. */
  | { status: 'cancelled'; reason: string };

/** What the broker knows about one order now. `fill` is the cumulative fill (average price) when any part
 * filled. */
export interface BrokerOrderState {
  /** The broker's key of the order (see Broker.orderKey); empty for an order placed outside Tiller without one. */
  clientOrderId: string;
  brokerOrderId: string | null;
  symbol: string;
  status: 'open' | 'filled' | 'partially_filled' | 'cancelled' | 'rejected';
  fill: Fill | null;
  reason: string | null;
}

/** What a broker needs to find one of Tiller's orders again: the client order id, and the symbol and trading
 * day for brokers that look orders up per market (Binance) or keep only today's order book (Kite). */
export type OrderRef = Pick<Order, 'clientOrderId' | 'symbol' | 'day'>;

/** A position as the broker holds it. */
export interface BrokerPosition {
  symbol: string;
  qty: number;
  avgPrice: number;
}

/**
 * A broker account. Every method has a bounded time; a timeout surfaces as TemporaryError.
 * Submitting the same client order id twice must never create a second order.
 */
export interface Broker {
  readonly name: string;
  /** True for paper/simulated accounts (including a broker's paper endpoint); live needs the live switch. */
  readonly paper: boolean;
  /** The id this broker knows Tiller's order by: the client order id itself, or a fixed-length hash of it
   * where the broker limits ids (see broker-order-key.ts). `BrokerOrderState.clientOrderId` holds this key. */
  orderKey(clientOrderId: string): string;
  /** Send an order. Idempotent by `order.clientOrderId`: a resend returns the first order's state. */
  submit(order: Order): Promise<BrokerOrderResult>;
  /** Cancel an order that has not filled. Unknown or finished orders are a no-op. */
  cancel(order: OrderRef): Promise<void>;
  /** The broker's view of one order by client order id; null when the broker never received it. */
  orderState(order: OrderRef): Promise<BrokerOrderState | null>;
  /** Orders still working at the broker. */
  openOrders(): Promise<BrokerOrderState[]>;
  /** Positions the broker holds. */
  positions(): Promise<BrokerPosition[]>;
  /** Resolves when the broker answers (for /health). */
  probe(): Promise<void>;
}
