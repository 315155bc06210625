/** Trade alerts from booked fills. Every alert has a dedupe key derived from the client order id, so
 * announcing twice is harmless; announcing every fill of the day again after a restart is how an alert that
 * a crash cut off (after the fill was booked, before its alert was stored) still goes out, once. */
import type { AlertService } from '../alerts/alert.service.js';
import type { Fill, Order, TradingDay } from '../domain/types.js';
import type { TradingRepository } from '../ports/repositories.port.js';

export class FillAnnouncer {
  constructor(private readonly repo: TradingRepository, private readonly alerts: AlertService) {}

  /** trade_opened for a buy, trade_closed for a sell, from what the books hold for this fill. */
  async announce(order: Order, fill: Fill): Promise<void> {
    if (order.side === 'buy') {
      const pos = (await this.repo.positions()).find((p) => p.symbol === order.symbol && p.openedDay === order.day);
      if (!pos) return; // closed again already: its trade_closed tells the story
      await this.alerts.raise(
        { type: 'trade_opened', symbol: order.symbol, qty: fill.qty, price: fill.price, fee: fill.fee, stopLoss: pos.stopLoss, target: pos.target, day: order.day },
        `trade_opened:${fill.clientOrderId}`,
      );
      return;
    }
    const t = await this.repo.closedTradeFor(fill.clientOrderId);
    if (!t) return;
    await this.alerts.raise(
      { type: 'trade_closed', symbol: t.symbol, qty: t.qty, entryPrice: t.entryPrice, exitPrice: t.exitPrice, pnl: t.pnl, reason: t.reason, day: t.closedDay },
      `trade_closed:${fill.clientOrderId}`,
    );
  }

  /** Announce every fill booked for `day` (a no-op for those already announced). */
  async announceDay(day: TradingDay): Promise<void> {
    for (const o of await this.repo.ordersOn(day)) {
      if (o.status !== 'filled' && o.status !== 'partially_filled') continue;
      const fill = await this.repo.getFill(o.clientOrderId);
      if (fill) await this.announce(o, fill);
    }
  }
}
