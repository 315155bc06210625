/** The position monitor after the close: for each open position, on the day's final bar, the stop (or
 * trailing stop), the target or the time limit may close it (the stop first when several apply, the
 * conservative reading of a daily bar); otherwise the trailing stop follows the day's high. Then the day's
 * snapshot is stored and the circuit breakers are checked against the closing equity. */
import type { ClosedTrade, OrderReason, OrderType, Position, TradingDay } from '../domain/types.js';
import type { CircuitBreakers } from './breakers/circuit-breakers.js';
import { exitOnBar, trailAfter } from './exits.js';
import type { TradingContext } from './trading-context.js';

export interface MonitorResult {
  day: TradingDay;
  closed: ClosedTrade[];
  trailed: Array<{ symbol: string; stopLoss: number }>;
  resting: string[];
  equity: number;
}

export class PositionMonitor {
  private breakers: CircuitBreakers | null = null;

  constructor(private readonly ctx: TradingContext) {}

  /** The breakers are built after the monitor (a hard trip closes positions through it). */
  attachBreakers(b: CircuitBreakers): void {
    this.breakers = b;
  }

  /** Close one position (or what the market allows of it) with an order of the given reason; alerts
   * trade_closed. Returns the closed trade, or null when the order did not fill. */
  async exit(pos: Position, reason: OrderReason, day: TradingDay, type: OrderType, stopOrLimit: number | null): Promise<ClosedTrade | null> {
    const out = await this.ctx.executor.execute({
      day, symbol: pos.symbol, side: 'sell', type, qty: pos.qty,
      limitPrice: type === 'limit' ? stopOrLimit : null, stopPrice: type === 'stop' ? stopOrLimit : null,
      reason, pickProfile: pos.profile, closesPositionOpenedOn: pos.openedDay,
    });
    const fill = out.kind === 'filled' || out.kind === 'already-done' ? out.fill : null;
    if (!fill) return null;
    await this.ctx.announcer.announce(out.order, fill);
    return this.ctx.repos.trading.closedTradeFor(fill.clientOrderId);
  }

  async run(day: TradingDay): Promise<MonitorResult> {
    const rules = this.ctx.config.trading.exits;
    await this.ctx.repos.trading.ensureAccount(this.ctx.config.trading.startingCash);
    const result: MonitorResult = { day, closed: [], trailed: [], resting: [], equity: 0 };
    await this.ctx.announcer.announceDay(day);
    for (const pos of await this.ctx.repos.trading.positions()) {
      const bar = await this.ctx.prices.barOn(pos.symbol, day);
      if (!bar || pos.openedDay > day) continue;
      const daysHeld = this.ctx.calendar.tradingDays(pos.openedDay, day).length - 1;
      const trailing = rules.trailingPct > 0 && pos.highWater >= pos.avgPrice * (1 + rules.trailingActivationPct) && pos.openedDay < day;
      const decision = exitOnBar(pos, bar, daysHeld, trailing, rules);
      if (decision) {
        const trade = await this.exit(pos, decision.reason, day, decision.type, decision.price);
        if (trade) result.closed.push(trade);
        else result.resting.push(pos.symbol);
        if (trade && trade.qty >= pos.qty) continue;
      }
      const current = (await this.ctx.repos.trading.positions()).find((p) => p.symbol === pos.symbol);
      if (!current) continue;
      const t = trailAfter(current, bar, rules);
      if (t.highWater !== current.highWater || t.stopLoss !== current.stopLoss) {
        await this.ctx.repos.trading.updatePositionLevels(current.symbol, { stopLoss: t.stopLoss, target: current.target, highWater: t.highWater });
        if (t.raised) result.trailed.push({ symbol: current.symbol, stopLoss: t.stopLoss });
      }
    }
    const realized = (await this.ctx.repos.trading.closedTrades(day, day)).reduce((s, t) => s + t.pnl, 0);
    const snap = await this.ctx.portfolio.snapshot(day, this.ctx.clock.now(), realized);
    result.equity = snap.equity;
    if (this.breakers) await this.breakers.tripCrossed(day, snap.equity);
    return result;
  }
}
