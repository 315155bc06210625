/** The position monitor after the close: for each open position, on the day's final bar, the stop (or
 * trailing stop), the target or the time limit may close it (the stop first when several apply, the
 * conservative reading of a daily bar); otherwise the trailing stop follows the day's high. Then the day's
 * snapshot is stored and the circuit breakers are checked against the closing equity. */
import type { AppConfig } from '../config.js';
import type { ClosedTrade, TradingDay } from '../domain/types.js';
import type { MarketCalendar } from '../market/calendar.js';
import type { PriceSource } from '../market/price-source.js';
import type { Clock } from '../ports/clock.port.js';
import type { TradingRepository } from '../ports/repositories.port.js';
import type { CircuitBreakers } from './breakers/circuit-breakers.js';
import { exitOnBar, trailAfter } from './exits.js';
import type { FillAnnouncer } from './fill-announcer.js';
import type { Portfolio } from './portfolio.js';
import type { PositionCloser } from './position-closer.js';

export interface MonitorResult {
  day: TradingDay;
  closed: ClosedTrade[];
  trailed: Array<{ symbol: string; stopLoss: number }>;
  resting: string[];
  equity: number;
}

/** What the monitor needs, named one by one. */
export interface PositionMonitorDeps {
  trading: AppConfig['trading'];
  repo: TradingRepository;
  prices: Pick<PriceSource, 'barOn'>;
  calendar: Pick<MarketCalendar, 'tradingDays'>;
  clock: Clock;
  portfolio: Pick<Portfolio, 'snapshot'>;
  announcer: Pick<FillAnnouncer, 'announceDay'>;
  closer: PositionCloser;
  breakers: Pick<CircuitBreakers, 'tripCrossed'>;
}

export class PositionMonitor {
  constructor(private readonly d: PositionMonitorDeps) {}

  async run(day: TradingDay): Promise<MonitorResult> {
    const rules = this.d.trading.exits;
    await this.d.repo.ensureAccount(this.d.trading.startingCash);
    const result: MonitorResult = { day, closed: [], trailed: [], resting: [], equity: 0 };
    await this.d.announcer.announceDay(day);
    for (const pos of await this.d.repo.positions()) {
      const bar = await this.d.prices.barOn(pos.symbol, day);
      if (!bar || pos.openedDay > day) continue;
      const daysHeld = this.d.calendar.tradingDays(pos.openedDay, day).length - 1;
      const trailing = rules.trailingPct > 0 && pos.highWater >= pos.avgPrice * (1 + rules.trailingActivationPct) && pos.openedDay < day;
      const decision = exitOnBar(pos, bar, daysHeld, trailing, rules);
      if (decision) {
        const trade = await this.d.closer.close(pos, decision.reason, day, decision.type, decision.price);
        if (trade) result.closed.push(trade);
        else result.resting.push(pos.symbol);
        if (trade && trade.qty >= pos.qty) continue;
      }
      const current = (await this.d.repo.positions()).find((p) => p.symbol === pos.symbol);
      if (!current) continue;
      const t = trailAfter(current, bar, rules);
      if (t.highWater !== current.highWater || t.stopLoss !== current.stopLoss) {
        await this.d.repo.updatePositionLevels(current.symbol, { stopLoss: t.stopLoss, target: current.target, highWater: t.highWater });
        if (t.raised) result.trailed.push({ symbol: current.symbol, stopLoss: t.stopLoss });
      }
    }
    const realized = (await this.d.repo.closedTrades(day, day)).reduce((s, t) => s + t.pnl, 0);
    const snap = await this.d.portfolio.snapshot(day, this.d.clock.now(), realized);
    result.equity = snap.equity;
    await this.d.breakers.tripCrossed(day, snap.equity);
    return result;
  }
}
