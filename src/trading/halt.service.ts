/** Emergency stop: HALTED, cancel every open order and (when configured) close every position at market.
 * Trading stays HALTED until an operator resumes. */
import type { TradingDay } from '../domain/types.js';
import { tradingDayOf } from '../market/market-time.js';
import type { PositionMonitor } from './position-monitor.js';
import type { TradingContext } from './trading-context.js';

export interface HaltResult {
  cancelledOrders: number;
  closed: Array<{ symbol: string; qty: number; price: number; pnl: number }>;
  failed: string[];
}

export class HaltService {
  constructor(private readonly ctx: TradingContext, private readonly monitor: PositionMonitor) {}

  async halt(by: string, reason: string): Promise<HaltResult> {
    const current = await this.ctx.state.get();
    if (current.status !== 'HALTED') await this.ctx.state.set('HALTED', by, reason);
    const cancelledOrders = await this.ctx.executor.cancelOpen();
    const result: HaltResult = { cancelledOrders, closed: [], failed: [] };
    if (!this.ctx.config.trading.closePositionsOnHalt) return result;
    const day: TradingDay = tradingDayOf(this.ctx.clock.now(), this.ctx.config.market.timezone);
    for (const pos of await this.ctx.repos.trading.positions()) {
      const trade = await this.monitor.exit(pos, 'halt', day, 'market', null);
      if (trade) result.closed.push({ symbol: trade.symbol, qty: trade.qty, price: trade.exitPrice, pnl: trade.pnl });
      else result.failed.push(pos.symbol);
    }
    return result;
  }
}
