/** Closing positions on request: the emergency stop (HALTED, cancel every open order and, when configured,
 * close every position at market; trading stays HALTED until an operator resumes), a hard circuit breaker
 * (the same path), and an admin's /close SYMBOL or /close_all (market orders, trading state unchanged). */
import { UserError } from '../domain/errors.js';
import type { OrderReason, TradingDay } from '../domain/types.js';
import { tradingDayOf } from '../market/market-time.js';
import type { Clock } from '../ports/clock.port.js';
import type { TradingRepository } from '../ports/repositories.port.js';
import type { OrderExecutor } from './order-executor.js';
import type { PositionCloser } from './position-closer.js';
import type { TradingStateService } from './trading-state.service.js';

/** What halting and closing need, named one by one. */
export interface HaltDeps {
  /** Whether the emergency stop also closes every position at market. */
  closePositionsOnHalt: boolean;
  timezone: string;
  clock: Clock;
  state: Pick<TradingStateService, 'get' | 'set'>;
  executor: Pick<OrderExecutor, 'cancelOpen'>;
  repo: Pick<TradingRepository, 'positions'>;
  closer: PositionCloser;
}

export interface CloseResult {
  closed: Array<{ symbol: string; qty: number; price: number; pnl: number }>;
  failed: string[];
}

export interface HaltResult extends CloseResult {
  cancelledOrders: number;
}

export class HaltService {
  constructor(private readonly d: HaltDeps) {}

  private today(): TradingDay {
    return tradingDayOf(this.d.clock.now(), this.d.timezone);
  }

  async halt(by: string, reason: string): Promise<HaltResult> {
    const current = await this.d.state.get();
    if (current.status !== 'HALTED') await this.d.state.set('HALTED', by, reason);
    const cancelledOrders = await this.d.executor.cancelOpen('cancelled by halt');
    if (!this.d.closePositionsOnHalt) return { cancelledOrders, closed: [], failed: [] };
    return { cancelledOrders, ...(await this.closeWhere(() => true, 'halt')) };
  }

  /** Close one position at market. Throws UserError when nothing is held in `symbol`. */
  async close(symbol: string): Promise<CloseResult> {
    const held = (await this.d.repo.positions()).map((p) => p.symbol);
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
    for (const pos of await this.d.repo.positions()) {
      if (!match(pos.symbol)) continue;
      const trade = await this.d.closer.close(pos, reason, day, 'market', null);
      if (trade) result.closed.push({ symbol: trade.symbol, qty: trade.qty, price: trade.exitPrice, pnl: trade.pnl });
      else result.failed.push(pos.symbol);
    }
    return result;
  }
}
