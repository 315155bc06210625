/** The one way Tiller closes a position: a sell order for the held quantity through the order executor,
 * announced like every fill. The position monitor (stops, targets, time), the trade cycle (strong sell),
 * the emergency stop and /close all go through it, so a closing order is built, booked and alerted once. */
import type { ClosedTrade, OrderReason, OrderType, Position, TradingDay } from '../domain/types.js';
import type { TradingRepository } from '../ports/repositories.port.js';
import type { FillAnnouncer } from './fill-announcer.js';
import type { OrderExecutor } from './order-executor.js';

/** What closing a position needs. */
export interface PositionCloserDeps {
  executor: Pick<OrderExecutor, 'execute'>;
  announcer: Pick<FillAnnouncer, 'announce'>;
  trading: Pick<TradingRepository, 'closedTradeFor'>;
}

export class PositionCloser {
  constructor(private readonly d: PositionCloserDeps) {}

  /** Close `pos` (or what the market allows of it) with an order of the given reason; alerts trade_closed.
   * Returns the closed trade, or null when the order did not fill. */
  async close(pos: Position, reason: OrderReason, day: TradingDay, type: OrderType, stopOrLimit: number | null): Promise<ClosedTrade | null> {
    const out = await this.d.executor.execute({
      day, symbol: pos.symbol, side: 'sell', type, qty: pos.qty,
      limitPrice: type === 'limit' ? stopOrLimit : null, stopPrice: type === 'stop' ? stopOrLimit : null,
      reason, pickProfile: pos.profile, closesPositionOpenedOn: pos.openedDay,
    });
    const fill = out.kind === 'filled' || out.kind === 'already-done' ? out.fill : null;
    if (!fill) return null;
    await this.d.announcer.announce(out.order, fill);
    return this.d.trading.closedTradeFor(fill.clientOrderId);
  }
}
