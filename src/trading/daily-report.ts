/** The daily report after the close: equity, cash, the day's P&L and closed trades, pushed to chats. */
import { roundMoney } from '../domain/money.js';
import type { BotEvent, TradingDay } from '../domain/types.js';
import type { TradingContext } from './trading-context.js';

export class DailyReport {
  constructor(private readonly ctx: TradingContext) {}

  async run(day: TradingDay): Promise<Extract<BotEvent, { type: 'daily_report' }>> {
    const t = this.ctx.repos.trading;
    await t.ensureAccount(this.ctx.config.trading.startingCash);
    const trades = await t.closedTrades(day, day);
    const realized = trades.reduce((s, x) => s + x.pnl, 0);
    const snap = await this.ctx.portfolio.snapshot(day, this.ctx.clock.now(), realized);
    const prev = (await t.snapshotBefore(day))?.equity ?? this.ctx.config.trading.startingCash;
    const event: Extract<BotEvent, { type: 'daily_report' }> = {
      type: 'daily_report', day, equity: snap.equity, cash: snap.cash, dayPnl: roundMoney(snap.equity - prev),
      openPositions: (await t.positions()).length, tradesClosed: trades.length, realizedPnl: roundMoney(realized),
    };
    await this.ctx.alerts.raise(event, `daily_report:${day}`);
    return event;
  }
}
