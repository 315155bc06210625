/** The paper broker: simulated fills against market data.
 * - market orders fill at the current price (the open during the session, see PriceSource), with slippage;
 * - sell stop orders fill at the stop, or at the open when the day gapped through it, with slippage;
 * - sell limit orders fill at the limit, or at the open when the day gapped above it.
 * Fees: a fixed amount per order plus basis points of the notional. Results are remembered by client order
 * id, so a second submit of the same order returns the first result. */
import { roundMoney, roundPrice } from '../../domain/money.js';
import type { Fill, Order } from '../../domain/types.js';
import type { Broker, BrokerOrderResult } from '../../ports/broker.port.js';
import type { Clock } from '../../ports/clock.port.js';
import type { PriceSource } from '../../market/price-source.js';

export interface PaperBrokerSettings {
  slippageBps: number;
  feePerOrder: number;
  feeBps: number;
}

export class PaperBroker implements Broker {
  readonly name = 'paper';
  readonly paper = true;
  private readonly results = new Map<string, BrokerOrderResult>();

  constructor(private readonly prices: PriceSource, private readonly clock: Clock, private readonly s: PaperBrokerSettings) {}

  async submit(order: Order): Promise<BrokerOrderResult> {
    const known = this.results.get(order.clientOrderId);
    if (known) return known;
    const result = await this.execute(order);
    if (result.status !== 'submitted') this.results.set(order.clientOrderId, result);
    return result;
  }

  async cancel(clientOrderId: string): Promise<void> {
    this.results.delete(clientOrderId);
  }

  private async execute(order: Order): Promise<BrokerOrderResult> {
    if (order.qty <= 0) return { status: 'rejected', reason: 'quantity must be positive' };
    let base: number | null = null;
    if (order.type === 'market') {
      const q = await this.prices.priceAt(order.symbol, this.clock.now());
      if (!q) return { status: 'rejected', reason: `no price for ${order.symbol}` };
      base = q.price;
    } else {
      const bar = await this.prices.barOn(order.symbol, order.day);
      if (!bar || order.price == null) return { status: 'submitted' };
      if (order.type === 'stop' && order.side === 'sell') {
        base = bar.open <= order.price ? bar.open : bar.low <= order.price ? order.price : null;
      } else if (order.type === 'limit' && order.side === 'sell') {
        base = bar.open >= order.price ? bar.open : bar.high >= order.price ? order.price : null;
      } else {
        return { status: 'rejected', reason: `${order.side} ${order.type} orders are not supported by the paper broker yet` };
      }
      if (base === null) return { status: 'submitted' };
    }
    const slip = order.type === 'limit' ? 0 : this.s.slippageBps / 10_000;
    const price = roundPrice(order.side === 'buy' ? base * (1 + slip) : base * (1 - slip));
    const fee = roundMoney(this.s.feePerOrder + (price * order.qty * this.s.feeBps) / 10_000);
    const fill: Fill = { clientOrderId: order.clientOrderId, symbol: order.symbol, side: order.side, qty: order.qty, price, fee, at: this.clock.now() };
    return { status: 'filled', fill };
  }
}
