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
import type { Order, Position } from '../../domain/types.js';
import { DEFAULT_BAR_LIMITS, type BarLimits } from '../../market/validation.js';
import { paperFill, type PaperBrokerSettings } from '../../trading/paper-fill.js';
import type { Broker, BrokerOrderResult, BrokerOrderState, BrokerPosition, OrderRef } from '../../ports/broker.port.js';
import type { Clock } from '../../ports/clock.port.js';
import type { PaperLedger } from '../../ports/repositories.port.js';
import type { PriceSource } from '../../market/price-source.js';

export type { PaperBrokerSettings };

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
    /** The price range a fill price must lie in and the largest one-day move it may show against the last
     * stored close (`pipeline.minPrice`, `maxPrice`, `maxDailyMove`). */
    private readonly limits: Pick<BarLimits, 'maxMove' | 'minPrice' | 'maxPrice'> = DEFAULT_BAR_LIMITS,
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
    const cash = order.side === 'buy' ? await this.account.cash() : 0;
    if (order.type === 'market') {
      const q = await this.prices.priceAt(order.symbol, now);
      if (!q) return { status: 'rejected', reason: `no price for ${order.symbol}` };
      const bad = await this.implausible(order, [q.price]);
      if (bad) return { status: 'rejected', reason: bad };
      return paperFill(order, { price: q.price }, this.s, cash, now);
    }
    if (!this.prices.sessionClosed(order.day, now)) return { status: 'submitted' };
    const bar = await this.prices.barOn(order.symbol, order.day);
    if (!bar) return { status: 'cancelled', reason: `no ${order.symbol} bar on ${order.day}; day order expired` };
    const bad = await this.implausible(order, [bar.open, bar.close]);
    if (bad) return { status: 'rejected', reason: bad };
    return paperFill(order, { bar }, this.s, cash, now);
  }

  /** Why these prices must not be filled (outside the market's price range, or this far from the last stored
   * close: a bad print at 100× the day before), or null when they are plausible. */
  private async implausible(order: Order, prices: number[]): Promise<string | null> {
    const { minPrice, maxPrice, maxMove } = this.limits;
    for (const p of prices) {
      if (!(p >= minPrice && p <= maxPrice)) return `implausible price ${p} for ${order.symbol}: outside the market's price range [${minPrice}, ${maxPrice}]; not filled`;
    }
    const prev = await this.prices.lastCloseBefore(order.symbol, order.day);
    if (!prev || !(prev.close > 0)) return null;
    for (const p of prices) {
      const move = p / prev.close - 1;
      if (Math.abs(move) > maxMove) {
        return `implausible price ${p} for ${order.symbol}: ${(move * 100).toFixed(0)} % from the last stored close ${prev.close} (${prev.day}), beyond the ${(maxMove * 100).toFixed(0)} % a day allows; not filled`;
      }
    }
    return null;
  }
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
