/** RUNNING / PAUSED / HALTED, persisted in PostgreSQL with who, why and when. Every change is alerted. */
import type { AlertService } from '../alerts/alert.service.js';
import { UserError } from '../domain/errors.js';
import type { TradingState, TradingStatus } from '../domain/types.js';
import type { Clock } from '../ports/clock.port.js';
import type { StateRepository } from '../ports/repositories.port.js';
import { setTradingStateMetric } from '../../monitoring/metrics.js';

export class TradingStateService {
  constructor(private readonly repo: StateRepository, private readonly alerts: AlertService, private readonly clock: Clock) {}

  /** The current state; RUNNING when nothing was ever stored (`changedAt` null: never changed). */
  async get(): Promise<TradingState> {
    const s = (await this.repo.get()) ?? { status: 'RUNNING', reason: 'initial state, never changed', changedBy: 'system', changedAt: null };
    setTradingStateMetric(s.status);
    return s;
  }

  /**
   * Move to `to`. Moving to the state already held is refused with a UserError so the user learns it.
   * @returns the previous state.
   */
  async set(to: TradingStatus, by: string, reason: string): Promise<TradingState> {
    const prev = await this.get();
    if (prev.status === to) throw new UserError(`trading is already ${to} (${prev.reason}, by ${prev.changedBy})`);
    // A pause must not quietly lift a halt (an emergency stop or a hard breaker): only /resume ends HALTED.
    if (to === 'PAUSED' && prev.status === 'HALTED') {
      throw new UserError(`trading is HALTED (${prev.reason}, by ${prev.changedBy}); a pause would lift the halt. /resume ends it, then /pause if you want PAUSED`);
    }
    const at = this.clock.now();
    await this.repo.set({ status: to, reason, changedBy: by, changedAt: at });
    setTradingStateMetric(to);
    await this.alerts.raise(
      { type: 'state_changed', from: prev.status, to, by, reason, at: at.toISOString() },
      `state_changed:${to}:${at.toISOString()}`,
    );
    return prev;
  }
}
