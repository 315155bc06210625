/** What a fill changes in the books (cash, position, closed trade), for entries and exits, whole or
 * partial. The trade cycle, the position monitor and start-up reconciliation all book fills here, so a
 * fill found after a crash is booked exactly as it would have been. */
import { OperationalError } from '../domain/errors.js';
import { notional, roundMoney, roundPrice } from '../domain/money.js';
import type { ClosedTrade, Fill, Order, OrderReason, Pick as StockPick, Position, RiskProfile, TradingDay } from '../domain/types.js';
import type { FillEffect, Repositories } from '../ports/repositories.port.js';
import { initialLevels, type ExitRules } from './exits.js';

/** The position a buy fill opens. Its cost basis includes the fee; stop and target follow the exit rules. */
export function entryEffect(fill: Fill, pick: StockPick | null, day: TradingDay, profile: RiskProfile | null, rules: ExitRules): FillEffect {
  const cost = roundMoney(notional(fill.price, fill.qty) + fill.fee);
  return {
    fill,
    cashDelta: -cost,
    position: {
      symbol: fill.symbol, qty: fill.qty, avgPrice: roundPrice(cost / fill.qty), ...initialLevels(fill.price, pick, rules),
      openedDay: day, profile, highWater: fill.price, model: pick?.model ?? null,
    },
    closedTrade: null,
  };
}

/** What a sell fill changes: the whole position closes, or on a partial fill the rest stays open. */
export function exitEffect(fill: Fill, pos: Position, reason: OrderReason, day: TradingDay): FillEffect {
  const qty = Math.min(fill.qty, pos.qty);
  const proceeds = roundMoney(notional(fill.price, qty) - fill.fee);
  const trade: ClosedTrade = {
    symbol: pos.symbol, qty, entryPrice: pos.avgPrice, exitPrice: fill.price, pnl: roundMoney(proceeds - notional(pos.avgPrice, qty)),
    reason, openedDay: pos.openedDay, closedDay: day, profile: pos.profile, model: pos.model, closedAt: fill.at,
  };
  const rest = roundPrice(pos.qty - qty);
  return { fill, cashDelta: proceeds, position: rest > 0 ? { ...pos, qty: rest } : null, closedTrade: trade };
}

export class FillBooking {
  constructor(private readonly repos: Pick<Repositories, 'picks' | 'trading'>, private readonly rules: ExitRules) {}

  /** The effect of `fill` on `order`: entries look up the pick behind them, exits the position they close. */
  async effect(order: Order, fill: Fill): Promise<FillEffect> {
    if (order.side === 'buy') {
      const picks = order.pickProfile ? await this.repos.picks.forDay(order.day, order.pickProfile) : [];
      return entryEffect(fill, picks.find((p) => p.symbol === order.symbol) ?? null, order.day, order.pickProfile, this.rules);
    }
    const pos = (await this.repos.trading.positions()).find((p) => p.symbol === order.symbol);
    if (!pos) throw new OperationalError(`fill of ${order.clientOrderId}: there is no ${order.symbol} position to close`);
    return exitEffect(fill, pos, order.reason, order.day);
  }
}
