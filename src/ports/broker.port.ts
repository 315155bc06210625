import type { Fill, Order } from '../domain/types.js';

/** What a broker said about one order. */
export type BrokerOrderResult =
  | { status: 'filled'; fill: Fill }
  | { status: 'submitted' }
  | { status: 'rejected'; reason: string };

/** A broker account. Submitting the same client order id twice must not create a second order. */
export interface Broker {
  readonly name: string;
  /** True for paper/simulated brokers; live brokers need the explicit live switch. */
  readonly paper: boolean;
  /** Send an order. Idempotent by `order.clientOrderId`. */
  submit(order: Order): Promise<BrokerOrderResult>;
  /** Cancel an order that has not filled. Unknown or finished orders are a no-op. */
  cancel(clientOrderId: string): Promise<void>;
}
