/** The paper broker: simulated fills against daily market data (split-adjusted, so corporate actions do not
 * move positions). Rules, each checked against hand-computed fills in test/integration/paper-broker.test.ts:
 * - market orders fill at the current price (the open during the session, the close after it) with slippage;
 * - stop orders trigger when the bar reaches the stop: they fill at the stop, or at the open when the day
 *   gapped through it, with slippage;
 * - limit orders fill at the limit, or at the open when it is better, without slippage, and at most
 *   `maxVolumeFraction` of the day's volume: the rest is cancelled (day orders);
 * - stop-limit orders trigger like stops, then fill like a limit at the limit price or better;
 * - limit and stop orders are judged only on a final bar (after the close); before it they rest;
 * - buys need buying power (cash × margin multiplier), sells cannot exceed the position (no short selling);
 * - fees: a fixed amount per filled order plus basis points of the notional.
 * Every order and its result are kept in a ledger (PostgreSQL), so a resend after a crash returns the
 * first result: the paper broker never fills one client order id twice. */
import { notional, roundMoney, roundPrice } from '../../domain/money.js';
import type { Candle, Fill, Order, Position } from '../../domain/types.js';
import type { Broker, BrokerOrderResult, BrokerOrderState, BrokerPosition, OrderRef } from '../../ports/broker.port.js';
import type { Clock } from '../../ports/clock.port.js';
import type { PaperLedger } from '../../ports/repositories.port.js';
import type { PriceSource } from '../../market/price-source.js';

export interface PaperBrokerSettings {
  slippageBps: number;
  feePerOrder: number;
  feeBps: number;
  maxVolumeFraction: number;
  buyingPowerMultiplier: number;
}

/** The account the paper broker checks orders against. */
export interface PaperAccount {
  cash(): Promise<number>;
  positions(): Promise<Position[]>;
}

export class PaperBroker implements Broker {
  readonly name = 'paper';
  readonly paper = true;

  orderKey(clientOrderId: string): string {
    return clientOrderId;
  }

  constructor(
    private readonly prices: PriceSource,
    private readonly clock: Clock,
    private readonly s: PaperBrokerSettings,
    private readonly ledger: PaperLedger,
    private readonly account: PaperAccount,
  ) {}

  async submit(order: Order): Promise<BrokerOrderResult> {
    const known = await this.ledger.get(order.clientOrderId);
    if (known && known.result.status !== 'submitted') return known.result;
    const result = known ? await this.evaluate(known.order) : await this.accept(order);
    await this.ledger.put(known?.order ?? order, result);
    return result;
  }

  async cancel({ clientOrderId }: OrderRef): Promise<void> {
    const known = await this.ledger.get(clientOrderId);
    if (known?.result.status === 'submitted') await this.ledger.put(known.order, { status: 'cancelled', reason: 'cancelled on request' });
  }

  async orderState({ clientOrderId }: OrderRef): Promise<BrokerOrderState | null> {
    const known = await this.ledger.get(clientOrderId);
    if (!known) return null;
    let result = known.result;
    if (result.status === 'submitted') {
      result = await this.evaluate(known.order);
      if (result.status !== 'submitted') await this.ledger.put(known.order, result);
    }
    return toState(known.order, result);
  }

  async openOrders(): Promise<BrokerOrderState[]> {
    const open = await this.ledger.open();
    const states = await Promise.all(open.map((o) => this.orderState(o)));
    return states.filter((s): s is BrokerOrderState => s !== null && s.status === 'open');
  }

  /** The paper account's positions are the ones Tiller books from the paper broker's own fills. */
  async positions(): Promise<BrokerPosition[]> {
    return (await this.account.positions()).map((p) => ({ symbol: p.symbol, qty: p.qty, avgPrice: p.avgPrice }));
  }

  async probe(): Promise<void> {
    await this.account.cash();
  }

  private async accept(order: Order): Promise<BrokerOrderResult> {
    if (!(order.qty > 0) || !Number.isFinite(order.qty)) return { status: 'rejected', reason: 'quantity must be positive' };
    if ((order.type === 'limit' || order.type === 'stop_limit') && !(order.limitPrice! > 0)) return { status: 'rejected', reason: `${order.type} order needs a positive limit price` };
    if ((order.type === 'stop' || order.type === 'stop_limit') && !(order.stopPrice! > 0)) return { status: 'rejected', reason: `${order.type} order needs a positive stop price` };
    if (order.side === 'sell') {
      const held = (await this.account.positions()).find((p) => p.symbol === order.symbol)?.qty ?? 0;
      if (order.qty > held) return { status: 'rejected', reason: `sell of ${order.qty} ${order.symbol} exceeds the position of ${held} (no short selling)` };
    }
    return this.evaluate(order);
  }

  /** Fill the order if the market allows it now; otherwise it rests, or expires once its day's bar is final. */
  private async evaluate(order: Order): Promise<BrokerOrderResult> {
    const now = this.clock.now();
    let base: number | null;
    let slip = this.s.slippageBps / 10_000;
    let qty = order.qty;
    if (order.type === 'market') {
      const q = await this.prices.priceAt(order.symbol, now);
      if (!q) return { status: 'rejected', reason: `no price for ${order.symbol}` };
      base = q.price;
    } else {
      if (!this.prices.sessionClosed(order.day, now)) return { status: 'submitted' };
      const bar = await this.prices.barOn(order.symbol, order.day);
      if (!bar) return { status: 'cancelled', reason: `no ${order.symbol} bar on ${order.day}; day order expired` };
      base = triggeredPrice(order, bar);
      if (base === null) return { status: 'cancelled', reason: `not triggered on ${order.day}; day order expired` };
      if (order.type === 'limit' || order.type === 'stop_limit') {
        slip = 0;
        qty = Math.min(order.qty, Math.floor(bar.volume * this.s.maxVolumeFraction));
        if (qty < 1) return { status: 'cancelled', reason: `volume on ${order.day} too thin for a limit fill; day order expired` };
      }
    }
    const price = roundPrice(order.side === 'buy' ? base * (1 + slip) : base * (1 - slip));
    const fee = roundMoney(this.s.feePerOrder + (notional(price, qty) * this.s.feeBps) / 10_000);
    if (order.side === 'buy') {
      const cash = await this.account.cash();
      const buyingPower = cash * this.s.buyingPowerMultiplier;
      const cost = notional(price, qty) + fee;
      if (cost > buyingPower + 1e-9) return { status: 'rejected', reason: `insufficient buying power: ${roundMoney(cost)} needed, ${roundMoney(buyingPower)} available` };
    }
    const fill: Fill = { clientOrderId: order.clientOrderId, symbol: order.symbol, side: order.side, qty, price, fee, at: now };
    return qty < order.qty ? { status: 'partially_filled', fill } : { status: 'filled', fill };
  }
}

/** The price a stop, limit or stop-limit order executes at on a final daily bar (before slippage), or null
 * when the bar never reached it. */
export function triggeredPrice(order: Order, bar: Candle): number | null {
  const buy = order.side === 'buy';
  const limitFill = (limit: number, from: number): number | null => {
    if (buy) return from <= limit ? from : bar.low <= limit ? limit : null;
    return from >= limit ? from : bar.high >= limit ? limit : null;
  };
  if (order.type === 'limit') return limitFill(order.limitPrice!, bar.open);
  const stop = order.stopPrice!;
  const gapped = buy ? bar.open >= stop : bar.open <= stop;
  const touched = buy ? bar.high >= stop : bar.low <= stop;
  if (!gapped && !touched) return null;
  const triggerAt = gapped ? bar.open : stop;
  if (order.type === 'stop') return triggerAt;
  // stop_limit: a limit order from the trigger on. After a gap it is judged from the open; a limit that the
  // gap left behind fills only if the rest of the day comes back to it.
  const limit = order.limitPrice!;
  if (buy ? triggerAt <= limit : triggerAt >= limit) return triggerAt;
  return gapped ? (buy ? (bar.low <= limit ? limit : null) : (bar.high >= limit ? limit : null)) : null;
}

function toState(order: Order, r: BrokerOrderResult): BrokerOrderState {
  const base = { clientOrderId: order.clientOrderId, brokerOrderId: null, symbol: order.symbol };
  switch (r.status) {
    case 'filled':
    case 'partially_filled':
      return { ...base, status: r.status, fill: r.fill, reason: null };
    case 'submitted':
      return { ...base, status: 'open', fill: null, reason: null };
    case 'rejected':
    case 'cancelled':
      return { ...base, status: r.status, fill: null, reason: r.reason };
  }
}
