/** The paper fill model: pure functions of an order and the market (a price, or the day's final bar), shared
 * by the paper broker and the backtester so both fill alike. */
import { notional, roundMoney, roundPrice } from '../domain/money.js';
import type { Candle, Fill, Order } from '../domain/types.js';
import type { BrokerOrderResult } from '../ports/broker.port.js';

/** Slippage, fees, limit-fill volume cap and margin of the simulated broker (config `trading.paper`). */
export interface PaperBrokerSettings {
  slippageBps: number;
  feePerOrder: number;
  feeBps: number;
  maxVolumeFraction: number;
  buyingPowerMultiplier: number;
}

/**
 * The paper fill model as a pure function, shared by the paper broker and the backtester: a market order at
 * `price` (the open during the session, the close after it), any other order against its day's final `bar`.
 * Slippage on market and stop fills, none on limits (which take at most `maxVolumeFraction` of the day's
 * volume), fees per order plus basis points, and buys limited by buying power (cash × multiplier).
 */
export function paperFill(order: Order, at: { price: number } | { bar: Candle }, s: PaperBrokerSettings, cash: number, now: Date): BrokerOrderResult {
  let base: number;
  let slip = s.slippageBps / 10_000;
  let qty = order.qty;
  if ('price' in at) {
    base = at.price;
  } else {
    const triggered = triggeredPrice(order, at.bar);
    if (triggered === null) return { status: 'cancelled', reason: `not triggered on ${order.day}; day order expired` };
    base = triggered;
    if (order.type === 'limit' || order.type === 'stop_limit') {
      slip = 0;
      qty = Math.min(order.qty, Math.floor(at.bar.volume * s.maxVolumeFraction));
      if (qty < 1) return { status: 'cancelled', reason: `volume on ${order.day} too thin for a limit fill; day order expired` };
    }
  }
  const price = roundPrice(order.side === 'buy' ? base * (1 + slip) : base * (1 - slip));
  const fee = roundMoney(s.feePerOrder + (notional(price, qty) * s.feeBps) / 10_000);
  if (order.side === 'buy') {
    const buyingPower = cash * s.buyingPowerMultiplier;
    const cost = notional(price, qty) + fee;
    if (cost > buyingPower + 1e-9) return { status: 'rejected', reason: `insufficient buying power: ${roundMoney(cost)} needed, ${roundMoney(buyingPower)} available` };
  }
  const fill: Fill = { clientOrderId: order.clientOrderId, symbol: order.symbol, side: order.side, qty, price, fee, at: now };
  return qty < order.qty ? { status: 'partially_filled', fill } : { status: 'filled', fill };
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
