/** Places orders exactly once. The order row (unique client order id) is written before the broker is
 * called; a re-run finds it and either skips it (already filled, cancelled or rejected) or submits it
 * again, which the broker treats as the same order. The fill and all it changes are applied in one
 * transaction that is itself a no-op the second time. */
import { OperationalError } from '../domain/errors.js';
import type { Fill, Order, OrderReason, TradingDay } from '../domain/types.js';
import type { Broker } from '../ports/broker.port.js';
import type { Clock } from '../ports/clock.port.js';
import type { FillEffect, TradingRepository } from '../ports/repositories.port.js';
import { ordersTotal } from '../../monitoring/metrics.js';

/** What to place; the client order id is derived from reason, symbol and trading day, and for an exit also
 * from the day the position it closes was opened. */
export type OrderIntent = Omit<Order, 'clientOrderId' | 'status' | 'createdAt'> & { closesPositionOpenedOn?: TradingDay };

export type ExecutionOutcome =
  | { kind: 'filled'; fill: Fill; applied: boolean }
  | { kind: 'already-done'; order: Order }
  | { kind: 'resting' }
  | { kind: 'rejected'; reason: string };

/**
 * `entry:AAPL:2017-01-04`, or for exits `stop:AAPL:2017-01-10:opened-2017-01-04`: one entry per symbol and
 * day, one exit of each kind per position and day, however often a cycle is re-run.
 */
export function clientOrderId(reason: OrderReason, symbol: string, day: TradingDay, closesPositionOpenedOn?: TradingDay): string {
  return closesPositionOpenedOn ? `${reason}:${symbol}:${day}:opened-${closesPositionOpenedOn}` : `${reason}:${symbol}:${day}`;
}

export class OrderExecutor {
  constructor(
    private readonly repo: TradingRepository,
    private readonly broker: Broker,
    private readonly clock: Clock,
  ) {}

  async execute(intent: OrderIntent, effectOf: (fill: Fill) => FillEffect): Promise<ExecutionOutcome> {
    const { closesPositionOpenedOn, ...fields } = intent;
    const id = clientOrderId(intent.reason, intent.symbol, intent.day, closesPositionOpenedOn);
    let order: Order = { ...fields, clientOrderId: id, status: 'new', createdAt: this.clock.now() };
    if (!(await this.repo.insertOrder(order))) {
      const existing = await this.repo.getOrder(id);
      if (!existing) throw new OperationalError(`order ${id} exists but cannot be read`);
      if (existing.status !== 'new' && existing.status !== 'submitted') return { kind: 'already-done', order: existing };
      // An earlier run stored this order and stopped before its fill was recorded: send the stored order
      // again, unchanged (same id, same quantity), never a recomputed one.
      order = existing;
    }
    const result = await this.broker.submit(order);
    ordersTotal.inc({ side: order.side, reason: order.reason, result: result.status });
    if (result.status === 'rejected') {
      await this.repo.setOrderStatus(id, 'rejected', result.reason);
      return { kind: 'rejected', reason: result.reason };
    }
    if (result.status === 'submitted') {
      await this.repo.setOrderStatus(id, 'submitted');
      return { kind: 'resting' };
    }
    const applied = await this.repo.applyFill(effectOf(result.fill));
    return { kind: 'filled', fill: result.fill, applied };
  }

  /** Cancel every order that has not filled; returns how many. */
  async cancelOpen(): Promise<number> {
    const open = await this.repo.ordersWithStatus(['new', 'submitted']);
    for (const o of open) {
      await this.broker.cancel(o.clientOrderId);
      await this.repo.setOrderStatus(o.clientOrderId, 'cancelled', 'cancelled by halt');
    }
    return open.length;
  }
}
