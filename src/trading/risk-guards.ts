/** Circuit breakers, checked before every entry. The skeleton has the daily-loss breaker: when today's
 * loss against the last end-of-day equity reaches the limit, the trip is persisted, metered and alerted,
 * and trading moves to PAUSED (no new entries; open positions are still managed). It clears by itself at
 * the next trading day's trade cycle, or earlier by an operator's /resume. */
import type { TradingDay } from '../domain/types.js';
import { breakerTripsTotal } from '../../monitoring/metrics.js';
import type { TradingContext } from './trading-context.js';

export const DAILY_LOSS_REASON = 'breaker:daily_loss';

export class RiskGuards {
  constructor(private readonly ctx: TradingContext) {}

  /** Equity at the start of `day`: the last snapshot before it, else the starting cash. */
  async startOfDayEquity(day: TradingDay): Promise<number> {
    return (await this.ctx.repos.trading.snapshotBefore(day))?.equity ?? this.ctx.config.trading.startingCash;
  }

  /** True when an entry may be made now; trips the breaker (and returns false) when the limit is hit. */
  async allowEntry(day: TradingDay, equityNow: number, startEquity: number): Promise<boolean> {
    const limit = this.ctx.config.trading.breakers.dailyLossPct;
    const loss = startEquity > 0 ? (startEquity - equityNow) / startEquity : 0;
    if (loss < limit) return true;
    await this.ctx.repos.state.recordBreaker('daily_loss', day, loss, limit, 'PAUSED');
    breakerTripsTotal.inc({ breaker: 'daily_loss' });
    await this.ctx.alerts.raise({ type: 'breaker_tripped', breaker: 'daily_loss', value: loss, limit, day }, `breaker_tripped:daily_loss:${day}`);
    const state = await this.ctx.state.get();
    if (state.status === 'RUNNING') {
      await this.ctx.state.set('PAUSED', 'system', `${DAILY_LOSS_REASON}: loss ${(loss * 100).toFixed(2)} % ≥ ${(limit * 100).toFixed(2)} %`);
    }
    return false;
  }

  /** At a new trading day, a PAUSED state set by the daily-loss breaker on an earlier day clears. */
  async clearExpired(day: TradingDay): Promise<void> {
    const state = await this.ctx.state.get();
    if (state.status !== 'PAUSED' || !state.reason.startsWith(DAILY_LOSS_REASON)) return;
    const trip = await this.ctx.repos.state.lastBreaker();
    if (trip && trip.day < day) await this.ctx.state.set('RUNNING', 'system', `daily loss breaker of ${trip.day} cleared for ${day}`);
  }
}
