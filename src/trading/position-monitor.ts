/** The position monitor after the close: exits positions whose stop or target the day's bar reached (the
 * stop first when both were, the conservative reading of a daily bar), then stores the day's snapshot. */
import { notional, roundMoney } from '../domain/money.js';
import type { ClosedTrade, Fill, OrderReason, Position, TradingDay } from '../domain/types.js';
import type { FillEffect } from '../ports/repositories.port.js';
import type { TradingContext } from './trading-context.js';

/** What a sell fill that closes the whole position changes. */
export function exitEffect(fill: Fill, pos: Position, reason: OrderReason, day: TradingDay): FillEffect {
  const proceeds = roundMoney(notional(fill.price, fill.qty) - fill.fee);
  const trade: ClosedTrade = {
    symbol: pos.symbol, qty: pos.qty, entryPrice: pos.avgPrice, exitPrice: fill.price,
    pnl: roundMoney(proceeds - notional(pos.avgPrice, pos.qty)), reason, openedDay: pos.openedDay, closedDay: day,
  };
  return { fill, cashDelta: proceeds, position: null, closedTrade: trade };
}

export interface MonitorResult {
  day: TradingDay;
  closed: ClosedTrade[];
  equity: number;
}

export class PositionMonitor {
  constructor(private readonly ctx: TradingContext) {}

  /** Close one position now with an order of the given reason; alerts trade_closed. */
  async exit(pos: Position, reason: OrderReason, day: TradingDay, type: 'market' | 'stop' | 'limit', price: number | null): Promise<ClosedTrade | null> {
    const out = await this.ctx.executor.execute(
      { day, symbol: pos.symbol, side: 'sell', type, qty: pos.qty, price, reason, pickProfile: pos.profile, closesPositionOpenedOn: pos.openedDay },
      (fill) => exitEffect(fill, pos, reason, day),
    );
    if (out.kind !== 'filled') return null;
    const trade = exitEffect(out.fill, pos, reason, day).closedTrade!;
    await this.ctx.alerts.raise(
      { type: 'trade_closed', symbol: pos.symbol, qty: pos.qty, entryPrice: trade.entryPrice, exitPrice: trade.exitPrice, pnl: trade.pnl, reason, day },
      `trade_closed:${out.fill.clientOrderId}`,
    );
    return trade;
  }

  async run(day: TradingDay): Promise<MonitorResult> {
    await this.ctx.repos.trading.ensureAccount(this.ctx.config.trading.startingCash);
    const closed: ClosedTrade[] = [];
    for (const pos of await this.ctx.repos.trading.positions()) {
      const bar = await this.ctx.prices.barOn(pos.symbol, day);
      if (!bar) continue;
      let trade: ClosedTrade | null = null;
      if (bar.low <= pos.stopLoss) trade = await this.exit(pos, 'stop', day, 'stop', pos.stopLoss);
      else if (bar.high >= pos.target) trade = await this.exit(pos, 'target', day, 'limit', pos.target);
      if (trade) closed.push(trade);
    }
    const realized = (await this.ctx.repos.trading.closedTrades(day, day)).reduce((s, t) => s + t.pnl, 0);
    const snap = await this.ctx.portfolio.snapshot(day, this.ctx.clock.now(), realized);
    return { day, closed, equity: snap.equity };
  }
}
