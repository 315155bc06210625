/** Closing positions on request: the emergency stop (HALTED, cancel every open order and, when configured,
 * close every position at market; trading stays HALTED until an operator resumes), a hard circuit breaker
 * (the same path), and an admin's /close SYMBOL or /close_all (market orders, trading state unchanged). */
import { UserError } from '../domain/errors.js';
import type { OrderReason, TradingDay } from '../domain/types.js';
import { tradingDayOf } from '../market/market-time.js';
import type { PositionMonitor } from './position-monitor.js';
import type { TradingContext } from './trading-context.js';

export interface CloseResult {
  closed: Array<{ symbol: string; qty: number; price: number; pnl: number }>;
  failed: string[];
}

export interface HaltResult extends CloseResult {
  cancelledOrders: number;
}

export class HaltService {
  constructor(private readonly ctx: TradingContext, private readonly monitor: PositionMonitor) {}

  private today(): TradingDay {
    return tradingDayOf(this.ctx.clock.now(), this.ctx.config.market.timezone);
  }

  async halt(by: string, reason: string): Promise<HaltResult> {
    const current = await this.ctx.state.get();
    if (current.status !== 'HALTED') await this.ctx.state.set('HALTED', by, reason);
    const cancelledOrders = await this.ctx.executor.cancelOpen('cancelled by halt');
    if (!this.ctx.config.trading.closePositionsOnHalt) return { cancelledOrders, closed: [], failed: [] };
    return { cancelledOrders, ...(await this.closeWhere(() => true, 'halt')) };
  }

  /** Close one position at market. Throws UserError when nothing is held in `symbol`. */
  async close(symbol: string): Promise<CloseResult> {
    const held = (await this.ctx.repos.trading.positions()).map((p) => p.symbol);
    if (!held.includes(symbol)) throw new UserError(`no open position in ${symbol}${held.length ? `; held: ${held.join(', ')}` : ''}`);
    return this.closeWhere((s) => s === symbol, 'manual');
  }

  /** Close every position at market. */
  async closeAll(): Promise<CloseResult> {
    return this.closeWhere(() => true, 'manual');
  }

  private async closeWhere(match: (symbol: string) => boolean, reason: OrderReason): Promise<CloseResult> {
    const day = this.today();
    const result: CloseResult = { closed: [], failed: [] };
    for (const pos of await this.ctx.repos.trading.positions()) {
      if (!match(pos.symbol)) continue;
      const trade = await this.monitor.exit(pos, reason, day, 'market', null);
      if (trade) result.closed.push({ symbol: trade.symbol, qty: trade.qty, price: trade.exitPrice, pnl: trade.pnl });
      else result.failed.push(pos.symbol);
    }
    return result;
  }
}
