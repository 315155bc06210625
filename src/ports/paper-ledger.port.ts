import type { BrokerOrderResult } from './broker.port.js';
import type { Order } from '../domain/types.js';

/** The paper broker's order book: each order with its latest result. */
export interface PaperLedger {
  /** The paper broker's record of an order, or null when it never saw it. */
  get(clientOrderId: string): Promise<{ order: Order; result: BrokerOrderResult } | null>;
  /** Record the paper broker's answer to an order (a resend reads it back instead of filling twice). */
  put(order: Order, result: BrokerOrderResult): Promise<void>;
  /** Orders still resting. */
  open(): Promise<Order[]>;
}
