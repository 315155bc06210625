/** The reports after the close, pushed to chats: the daily report every trading day (the `report` job), and the
 * weekly report on the last trading day of a calendar week (the `weekly` job); each carries the equity and
 * drawdown curve for its chart. */
import { roundMoney } from '../domain/money.js';
import type { BotEvent, TradingDay } from '../domain/types.js';
import { tradingDaysPerYear } from '../market/calendar.js';
import { periodReport } from './period-report.js';
import { BenchmarkReturns } from './benchmark-returns.js';
import { weekStart } from './trade-cycle.js';
import type { AlertService } from '../alerts/alert.service.js';
import type { AppConfig } from '../config.js';
import type { MarketCalendar } from '../market/calendar.js';
import type { Clock } from '../ports/clock.port.js';
import type { Repositories } from '../ports/repositories.port.js';
import type { Portfolio } from './portfolio.js';

/** What the reports need, named one by one. */
export interface DailyReportDeps {
  startingCash: number;
  marketKind: AppConfig['market']['kind'];
  repos: Pick<Repositories, 'trading' | 'candles'>;
  clock: Clock;
  calendar: Pick<MarketCalendar, 'nextTradingDay'>;
  portfolio: Pick<Portfolio, 'snapshot'>;
  alerts: Pick<AlertService, 'raise'>;
}

export class DailyReport {
  private readonly benchmark: BenchmarkReturns;

  constructor(private readonly d: DailyReportDeps) {
    this.benchmark = new BenchmarkReturns(d.repos.candles);
  }

  async run(day: TradingDay): Promise<Extract<BotEvent, { type: 'daily_report' }>> {
    const { trades, realized, snap } = await this.endOfDay(day);
    const prev = (await this.d.repos.trading.snapshotBefore(day))?.equity ?? this.d.startingCash;
    const daily = await periodReport('day', day, this.inputs(snap));
    const event: Extract<BotEvent, { type: 'daily_report' }> = {
      type: 'daily_report', day, equity: snap.equity, cash: snap.cash, dayPnl: roundMoney(snap.equity - prev),
      openPositions: daily.openPositions, tradesClosed: trades.length, realizedPnl: roundMoney(realized), curve: daily.curve,
      startingCash: daily.startingCash,
    };
    await this.d.alerts.raise(event, `daily_report:${day}`);
    return event;
  }

  /** The weekly report, raised on the last trading day of a calendar week (the next trading day falls in
   * another week, so a Friday holiday moves it to Thursday); null on any other day. Once per week: its key is
   * the week's last day. */
  async weekly(day: TradingDay): Promise<Extract<BotEvent, { type: 'weekly_report' }> | null> {
    if (weekStart(this.d.calendar.nextTradingDay(day)) === weekStart(day)) return null;
    const { snap } = await this.endOfDay(day);
    const w = await periodReport('week', day, this.inputs(snap));
    const p = w.performance;
    const event: Extract<BotEvent, { type: 'weekly_report' }> = {
      type: 'weekly_report', from: p.from, to: day, equity: w.equity, cash: w.cash, pnl: p.pnl, returnPct: p.returnPct, openPositions: w.openPositions,
      tradesClosed: p.trades, winRate: p.winRate, realizedPnl: p.realizedPnl, maxDrawdown: p.maxDrawdown, curve: w.curve, startingCash: w.startingCash,
    };
    await this.d.alerts.raise(event, `weekly_report:${day}`);
    return event;
  }

  /** The day's closed trades and the end-of-day snapshot, stored (again: the monitor stored it first). */
  private async endOfDay(day: TradingDay) {
    const t = this.d.repos.trading;
    await t.ensureAccount(this.d.startingCash);
    const trades = await t.closedTrades(day, day);
    const realized = trades.reduce((s, x) => s + x.pnl, 0);
    return { trades, realized, snap: await this.d.portfolio.snapshot(day, this.d.clock.now(), realized) };
  }

  private inputs(snap: { equity: number; cash: number }) {
    return {
      trading: this.d.repos.trading, startingCash: this.d.startingCash, periodsPerYear: tradingDaysPerYear(this.d.marketKind),
      now: { equity: snap.equity, cash: snap.cash },
      benchmark: (from: TradingDay, to: TradingDay) => this.benchmark.between(from, to),
    };
  }
}
