/** Places orders exactly once. The order row (unique client order id) is written before the broker is
 * called; a re-run finds it and either reports it (already final) or sends the stored order again, which the
 * broker treats as the same order. Broker calls that time out or hit a rate limit are retried the same way.
 * The fill and all it changes are booked in one transaction that is itself a no-op the second time. */
import { OperationalError, RateLimitedError, TemporaryError } from '../domain/errors.js';
import { withRetry } from '../domain/retry.js';
import { FINAL_ORDER_STATUSES, type Fill, type Order, type OrderReason, type TradingDay } from '../domain/types.js';
import type { Broker, BrokerOrderResult } from '../ports/broker.port.js';
import type { Clock } from '../ports/clock.port.js';
import type { AlertService } from '../alerts/alert.service.js';
import type { TradingRepository } from '../ports/repositories.port.js';
import type { CrashPoint } from '../config.js';
import { brokerRequestDuration, brokerRequestsTotal, fillsTotal, ordersTotal, positionExitsTotal } from '../../monitoring/metrics.js';
import type { FillBooking } from './fill-booking.js';

/** What to place; the client order id is derived from reason, symbol and trading day, and for an exit also
 * from the day the position it closes was opened. */
export type OrderIntent = Omit<Order, 'clientOrderId' | 'status' | 'createdAt'> & { closesPositionOpenedOn?: TradingDay };

export type ExecutionOutcome =
  | { kind: 'filled'; order: Order; fill: Fill; partial: boolean; applied: boolean }
  | { kind: 'already-done'; order: Order; fill: Fill | null }
  | { kind: 'resting'; order: Order }
  | { kind: 'cancelled'; order: Order; reason: string }
  | { kind: 'rejected'; order: Order; reason: string };

/** Called at each step of placing an order; the fault-injection tests kill the process there. */
export type CrashHook = (point: CrashPoint) => void;

/**
 * `entry:AAPL:2017-01-04`, or for exits `stop:AAPL:2017-01-10:opened-2017-01-04`: one entry per symbol and
 * day, one exit of each kind per position and day, however often a cycle is re-run.
 */
export function clientOrderId(reason: OrderReason, symbol: string, day: TradingDay, closesPositionOpenedOn?: TradingDay): string {
  return closesPositionOpenedOn ? `${reason}:${symbol}:${day}:opened-${closesPositionOpenedOn}` : `${reason}:${symbol}:${day}`;
}

/** The broker calls, as the metrics name them. */
export type BrokerOperation = 'submit' | 'cancel' | 'order_state' | 'open_orders' | 'positions';

/** Retry a broker call on temporary failures (timeouts, 5xx, rate limits), honouring retry-after. Safe for
 * submit because a resend with the same client order id is the same order. Each attempt is metered. */
export function withBrokerRetry<T>(operation: BrokerOperation, fn: () => Promise<T>, attempts = 4, baseDelayMs = 250): Promise<T> {
  return withRetry({
    attempts, baseDelayMs,
    delayFor: (err) => (err instanceof RateLimitedError ? err.retryAfterSeconds * 1000 : null),
    onFailure: (err) => {
      brokerRequestsTotal.inc({ operation, outcome: err instanceof RateLimitedError ? 'rate_limited' : err instanceof TemporaryError ? 'temporary' : 'error' });
    },
  }, async () => {
    const end = brokerRequestDuration.startTimer({ operation });
    try {
      const out = await fn();
      brokerRequestsTotal.inc({ operation, outcome: 'ok' });
      return out;
    } finally {
      end();
    }
  });
}

export class OrderExecutor {
  constructor(
    private readonly repo: TradingRepository,
    private readonly broker: Broker,
    private readonly booking: FillBooking,
    private readonly alerts: AlertService,
    private readonly clock: Clock,
    private readonly crash: CrashHook = () => undefined,
  ) {}

  async execute(intent: OrderIntent): Promise<ExecutionOutcome> {
    const { closesPositionOpenedOn, ...fields } = intent;
    const id = clientOrderId(intent.reason, intent.symbol, intent.day, closesPositionOpenedOn);
    let order: Order = { ...fields, clientOrderId: id, status: 'new', createdAt: this.clock.now() };
    if (!(await this.repo.insertOrder(order))) {
      const existing = await this.repo.getOrder(id);
      if (!existing) throw new OperationalError(`order ${id} exists but cannot be read`);
      if (FINAL_ORDER_STATUSES.includes(existing.status)) {
        return { kind: 'already-done', order: existing, fill: await this.repo.getFill(id) };
      }
      // An earlier run stored this order and stopped before its outcome was recorded: send the stored order
      // again, unchanged (same id, same quantity), never a recomputed one.
      order = existing;
    }
    this.crash('after_order_insert');
    const result = await withBrokerRetry('submit', () => this.broker.submit(order));
    this.crash('after_broker_submit');
    ordersTotal.inc({ side: order.side, reason: order.reason, result: result.status });
    return this.record(order, result);
  }

  /** Book what the broker said about `order`. */
  async record(order: Order, result: BrokerOrderResult): Promise<ExecutionOutcome> {
    const id = order.clientOrderId;
    switch (result.status) {
      case 'rejected':
        await this.repo.setOrderStatus(id, 'rejected', result.reason);
        await this.alerts.raise(
          { type: 'order_rejected', symbol: order.symbol, side: order.side, qty: order.qty, reason: order.reason, why: result.reason, day: order.day },
          `order_rejected:${id}`,
        );
        return { kind: 'rejected', order, reason: result.reason };
      case 'cancelled':
        await this.repo.setOrderStatus(id, 'cancelled', result.reason);
        return { kind: 'cancelled', order, reason: result.reason };
      case 'submitted':
        await this.repo.setOrderStatus(id, 'submitted', undefined, result.brokerOrderId);
        return { kind: 'resting', order };
      case 'filled':
      case 'partially_filled': {
        if (result.brokerOrderId) await this.repo.setOrderStatus(id, order.status === 'new' ? 'submitted' : order.status, undefined, result.brokerOrderId);
        const effect = await this.booking.effect(order, result.fill);
        // The fill row, order status, cash, position and closed trade commit together: a crash inside the
        // transaction (after_fill) leaves none of them.
        const applied = await this.repo.applyFill(effect, () => this.crash('after_fill'));
        this.crash('after_position_update');
        fillsTotal.inc({ side: order.side });
        if (order.side === 'sell') positionExitsTotal.inc({ reason: order.reason });
        return { kind: 'filled', order, fill: result.fill, partial: result.status === 'partially_filled', applied };
      }
    }
  }

  /** Cancel every order that has not filled; returns how many. */
  async cancelOpen(why: string): Promise<number> {
    const open = await this.repo.ordersWithStatus(['new', 'submitted']);
    for (const o of open) {
      await withBrokerRetry('cancel', () => this.broker.cancel(o));
      await this.repo.setOrderStatus(o.clientOrderId, 'cancelled', why);
    }
    return open.length;
  }
}
