/** Start-up reconciliation, before any trading, and a refresh of working orders before each cycle. Rules
 * (README, "Reconciliation"):
 * 1. An order Tiller stored as new or submitted is asked about at the broker by its client order id:
 *    - filled or partly filled: the fill is booked exactly as the cycle would have booked it;
 *    - cancelled or rejected: the order is marked so;
 *    - still working: it stays submitted;
 *    - unknown to the broker: if it is from today it stays new, and the cycle that created it sends it
 *      unchanged when it runs again; from an earlier day it is marked cancelled (it was never sent).
 * 2. Orders working at the broker that Tiller did not place are reported, never touched.
 * 3. Positions are then compared symbol by symbol. Any difference is logged and alerted and trading is
 *    PAUSED: an operator decides (Tiller never adopts or sells a position it cannot explain).
 * Every difference is logged and alerted as a `reconciliation` event. */
import type { TradingDay } from '../domain/types.js';
import { tradingDayOf } from '../market/market-time.js';
import type { Broker } from '../ports/broker.port.js';
import type { AlertService } from '../alerts/alert.service.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports/clock.port.js';
import type { TradingRepository } from '../ports/repositories.port.js';
import type { FillAnnouncer } from './fill-announcer.js';
import { withBrokerRetry, type OrderExecutor } from './order-executor.js';
import type { TradingStateService } from './trading-state.service.js';

/** What reconciliation needs, named one by one. */
export interface ReconcilerDeps {
  startingCash: number;
  timezone: string;
  repo: TradingRepository;
  clock: Clock;
  executor: Pick<OrderExecutor, 'record'>;
  announcer: Pick<FillAnnouncer, 'announce'>;
  state: Pick<TradingStateService, 'get' | 'set'>;
  alerts: Pick<AlertService, 'raise'>;
  log?: Logger;
}

export interface ReconcileReport {
  booked: string[];
  cancelled: string[];
  stillWorking: string[];
  foreignOrders: string[];
  positionDifferences: string[];
  paused: boolean;
}

export class Reconciler {
  private reconciled = false;

  constructor(private readonly d: ReconcilerDeps, private readonly broker: Broker) {}

  /** Before a trade cycle or monitor run: the full reconciliation once per process, then an order refresh. */
  async beforeTrading(day: TradingDay): Promise<void> {
    if (!this.reconciled) await this.reconcile();
    else await this.syncOrders(day);
  }

  /** Bring stored orders in line with the broker (rule 1). */
  async syncOrders(today: TradingDay): Promise<Pick<ReconcileReport, 'booked' | 'cancelled' | 'stillWorking'>> {
    const out = { booked: [] as string[], cancelled: [] as string[], stillWorking: [] as string[] };
    for (const o of await this.d.repo.ordersWithStatus(['new', 'submitted'])) {
      const st = await withBrokerRetry('order_state', () => this.broker.orderState(o));
      if (!st) {
        if (o.day < today) {
          await this.d.repo.setOrderStatus(o.clientOrderId, 'cancelled', 'never reached the broker; expired');
          out.cancelled.push(o.clientOrderId);
        }
        continue;
      }
      if (st.status === 'open') {
        out.stillWorking.push(o.clientOrderId);
        continue;
      }
      if ((st.status === 'filled' || st.status === 'partially_filled') && st.fill) {
        const res = await this.d.executor.record(o, { status: st.status, fill: st.fill, ...(st.brokerOrderId ? { brokerOrderId: st.brokerOrderId } : {}) });
        if (res.kind === 'filled') await this.d.announcer.announce(o, st.fill);
        out.booked.push(o.clientOrderId);
      } else {
        const status = st.status === 'rejected' ? 'rejected' : 'cancelled';
        await this.d.executor.record(o, { status, reason: st.reason ?? `${status} at the broker` });
        out.cancelled.push(o.clientOrderId);
      }
    }
    return out;
  }

  /** The full start-up reconciliation (rules 1-3). */
  async reconcile(): Promise<ReconcileReport> {
    const now = this.d.clock.now();
    const today = tradingDayOf(now, this.d.timezone);
    await this.d.repo.ensureAccount(this.d.startingCash);
    const synced = await this.syncOrders(today);
    const foreignOrders: string[] = [];
    const working = new Set((await this.d.repo.ordersWithStatus(['new', 'submitted'])).map((o) => this.broker.orderKey(o.clientOrderId)));
    for (const o of await withBrokerRetry('open_orders', () => this.broker.openOrders())) {
      if (working.has(o.clientOrderId)) continue;
      if (o.clientOrderId && (await this.d.repo.getOrder(o.clientOrderId))) continue;
      foreignOrders.push(`${o.clientOrderId || o.brokerOrderId || '?'} (${o.symbol})`);
    }

    const ours = new Map((await this.d.repo.positions()).map((p) => [p.symbol, p.qty]));
    const theirs = new Map((await withBrokerRetry('positions', () => this.broker.positions())).map((p) => [p.symbol, p.qty]));
    const positionDifferences: string[] = [];
    for (const sym of [...new Set([...ours.keys(), ...theirs.keys()])].sort()) {
      const a = ours.get(sym) ?? 0;
      const b = theirs.get(sym) ?? 0;
      if (Math.abs(a - b) > 1e-9) positionDifferences.push(`${sym}: Tiller holds ${a}, ${this.broker.name} holds ${b}`);
    }
    let paused = false;
    const differences = [
      ...synced.booked.map((id) => `booked a fill found at the broker: ${id}`),
      ...synced.cancelled.map((id) => `order closed at the broker or never sent: ${id}`),
      ...foreignOrders.map((o) => `order working at the broker that Tiller did not place: ${o}`),
      ...positionDifferences,
    ];
    if (positionDifferences.length > 0) {
      const state = await this.d.state.get();
      if (state.status === 'RUNNING') {
        await this.d.state.set('PAUSED', 'system', `reconciliation: positions differ from ${this.broker.name} (${positionDifferences.join('; ')})`);
        paused = true;
      }
    }
    if (differences.length > 0) {
      this.d.log?.warn({ differences }, 'reconciliation found differences');
      await this.d.alerts.raise(
        { type: 'reconciliation', differences, action: paused ? 'trading PAUSED until an operator resumes' : 'books updated', at: now.toISOString() },
        `reconciliation:${now.toISOString()}`,
      );
    } else {
      this.d.log?.info({ broker: this.broker.name }, 'reconciliation: books match the broker');
    }
    this.reconciled = true;
    return { ...synced, foreignOrders, positionDifferences, paused };
  }
}
