/** Circuit breakers, checked before every entry (and after the monitor's exits). Each has a soft stage
 * (PAUSED: no new entries, open positions still managed) and a hard stage (HALTED: cancel open orders and
 * flatten), with thresholds from config or /set_risk. A trip is persisted, metered and alerted, and shows in
 * /status and /risk. How each clears (README, "Circuit breakers"):
 * - daily_loss: soft clears at the next trading day; hard needs an operator's /resume;
 * - max_drawdown: both stages need /resume; the peak then restarts from the equity at that moment;
 * - consecutive_losses: soft clears at the next trading day, hard needs /resume; either way the count
 *   restarts from the clearance;
 * - cooldown (soft only): clears once the cooldown has passed since the last entry;
 * - volatility: soft clears when the reading is back below the soft limit; hard needs /resume, after which it
 *   is not re-checked for the rest of that day.
 * After any clearance the breaker measures from that moment, so a cleared breaker does not trip again on the
 * same old losses. */
import type { BreakerClearance, BreakerName, BreakerStage, BreakerTrip, TradingDay } from '../../domain/types.js';
import { breakerStage, breakerTripsTotal } from '../../../monitoring/metrics.js';
import type { RiskLimits, RiskLimitsService } from '../risk-limits.js';
import type { AlertService } from '../../alerts/alert.service.js';
import type { Logger } from '../../logger.js';
import type { Clock } from '../../ports/clock.port.js';
import type { Repositories } from '../../ports/repositories.port.js';
import type { VolatilityGauge } from '../../ports/volatility.port.js';
import type { TradingStateService } from '../trading-state.service.js';

/** What the breakers need, named one by one. */
export interface CircuitBreakerDeps {
  startingCash: number;
  repos: Pick<Repositories, 'trading' | 'state'>;
  clock: Clock;
  limits: Pick<RiskLimitsService, 'current'>;
  volatility: VolatilityGauge;
  state: Pick<TradingStateService, 'get' | 'set'>;
  alerts: Pick<AlertService, 'raise'>;
  /** Moves to HALTED, cancels and flattens (the emergency stop's path). */
  haltHard: (by: string, reason: string) => Promise<unknown>;
  log?: Logger;
}

export const BREAKER_REASON_PREFIX = 'breaker:';

/** One breaker's current measurement against its limits. */
export interface BreakerReading {
  name: BreakerName;
  /** null when it cannot be measured now (no data, or switched off). */
  value: number | null;
  soft: number | null;
  hard: number | null;
  /** Human-readable value, e.g. "2.10 %", "3 losses", "12 min since the last entry". */
  shown: string;
  tripped: BreakerStage | null;
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
/** Orders stages: none < soft < hard. */
export const severity = (s: BreakerStage | null | undefined): number => (s === 'hard' ? 2 : s === 'soft' ? 1 : 0);

/** Which stage a reading has reached; cooldown trips when the value is *below* its limit. */
export function stageOf(r: BreakerReading): BreakerStage | null {
  if (r.value === null) return null;
  if (r.name === 'cooldown') return r.soft !== null && r.value < r.soft ? 'soft' : null;
  if (r.hard !== null && r.value >= r.hard) return 'hard';
  if (r.soft !== null && r.value >= r.soft) return 'soft';
  return null;
}

/** What the breakers measure, gathered by the live service from PostgreSQL or by the backtester from memory. */
export interface BreakerInputs {
  equityNow: number;
  /** Equity the daily loss is measured from: the day's start, or the clearance of that day. */
  dayStartEquity: number;
  /** Highest equity since the drawdown breaker was last cleared (including now). */
  peakEquity: number;
  /** P&L of closed trades since the loss-streak breaker was last cleared, oldest first. */
  closedPnls: readonly number[];
  /** Minutes since the last entry; null when there was none or the cooldown is off. */
  minutesSinceEntry: number | null;
  volatility: { value: number; asOf: TradingDay } | null;
  volatilityLabel: string;
  /** An operator cleared the volatility breaker today: it is not re-checked until tomorrow. */
  volatilityClearedToday: boolean;
  /** The stage each breaker is tripped at now. */
  tripped: (name: BreakerName) => BreakerStage | null;
}

/** Every breaker's reading against its limits: a pure function, the one rule live trading and backtests use. */
export function measureBreakers(i: BreakerInputs, b: RiskLimits['breakers']): BreakerReading[] {
  const loss = i.dayStartEquity > 0 ? Math.max(0, (i.dayStartEquity - i.equityNow) / i.dayStartEquity) : 0;
  const dd = i.peakEquity > 0 ? Math.max(0, 1 - i.equityNow / i.peakEquity) : 0;
  let streak = 0;
  for (let k = i.closedPnls.length - 1; k >= 0 && i.closedPnls[k]! < 0; k--) streak++;
  const minutes = b.cooldownMinutes > 0 ? i.minutesSinceEntry : null;
  const vol = i.volatility;
  return [
    { name: 'daily_loss', value: loss, soft: b.dailyLoss.soft, hard: b.dailyLoss.hard, shown: pct(loss), tripped: i.tripped('daily_loss') },
    { name: 'max_drawdown', value: dd, soft: b.maxDrawdown.soft, hard: b.maxDrawdown.hard, shown: pct(dd), tripped: i.tripped('max_drawdown') },
    {
      name: 'consecutive_losses', value: streak, soft: b.consecutiveLosses.soft, hard: b.consecutiveLosses.hard,
      shown: `${streak} loss${streak === 1 ? '' : 'es'} in a row`, tripped: i.tripped('consecutive_losses'),
    },
    {
      name: 'cooldown', value: minutes, soft: b.cooldownMinutes > 0 ? b.cooldownMinutes : null, hard: null,
      shown: b.cooldownMinutes <= 0 ? 'off' : minutes === null ? 'no entry yet' : `${Math.floor(minutes)} min since the last entry`, tripped: i.tripped('cooldown'),
    },
    {
      name: 'volatility', value: vol && !i.volatilityClearedToday ? vol.value : null, soft: b.volatility.soft, hard: b.volatility.hard,
      shown: vol ? `${i.volatilityLabel} ${vol.value.toFixed(4)} (${vol.asOf})${i.volatilityClearedToday ? ', cleared by an operator today' : ''}` : 'no reading',
      tripped: i.tripped('volatility'),
    },
  ];
}

/** Whether a soft trip clears by itself on `day` given its breaker's reading: daily loss and loss streak at
 * the next trading day, cooldown and volatility once back under the limit; drawdown never (an operator's
 * /resume). */
export function softTripExpired(t: { name: BreakerName; day: TradingDay }, r: BreakerReading, day: TradingDay): boolean {
  if (t.name === 'daily_loss' || t.name === 'consecutive_losses') return t.day < day;
  if (t.name === 'cooldown') return stageOf(r) === null;
  if (t.name === 'volatility') return r.value !== null && stageOf(r) === null;
  return false;
}

export class CircuitBreakers {
  constructor(private readonly d: CircuitBreakerDeps) {}

  /** Equity at the start of `day`: the last snapshot before it, else the starting cash. */
  async startOfDayEquity(day: TradingDay): Promise<number> {
    return (await this.d.repos.trading.snapshotBefore(day))?.equity ?? this.d.startingCash;
  }

  /** Measure every breaker for `day` at the given equity. */
  async readings(day: TradingDay, equityNow: number, limits?: RiskLimits): Promise<BreakerReading[]> {
    const b = (limits ?? (await this.d.limits.current()).limits).breakers;
    const repo = this.d.repos.trading;
    const [clear, tripped] = await Promise.all([this.d.repos.state.clearances(), this.d.repos.state.trippedBreakers()]);
    const cd = clear.get('daily_loss');
    const cm = clear.get('max_drawdown');
    const cv = clear.get('volatility');
    const last = b.cooldownMinutes > 0 ? await repo.lastEntryAt() : null;
    return measureBreakers({
      equityNow,
      dayStartEquity: cd && cd.day === day ? cd.equity : await this.startOfDayEquity(day),
      peakEquity: Math.max(cm ? cm.equity : this.d.startingCash, (await repo.peakEquity(cm ? cm.day : null)) ?? 0, equityNow),
      closedPnls: (await repo.tradesClosedAfter(clear.get('consecutive_losses')?.at ?? null)).map((t) => t.pnl),
      minutesSinceEntry: last ? (this.d.clock.now().getTime() - last.getTime()) / 60_000 : null,
      volatility: await this.d.volatility.valueBefore(day),
      volatilityLabel: this.d.volatility.label,
      volatilityClearedToday: Boolean(cv && cv.day === day && cv.by !== 'system'),
      tripped: (n) => tripped.find((t) => t.name === n)?.stage ?? null,
    }, b);
  }

  /**
   * Before an entry: clear what has expired, then trip what has crossed a limit.
   * @returns null when entries may go ahead, else why not.
   */
  async checkBeforeEntry(day: TradingDay, equityNow: number): Promise<string | null> {
    await this.clearExpired(day, equityNow);
    const trips = await this.tripCrossed(day, equityNow);
    if (trips.length > 0) return `${trips.map((t) => t.name).join(', ')} tripped`;
    const state = await this.d.state.get();
    return state.status === 'RUNNING' ? null : `trading is ${state.status}: ${state.reason}`;
  }

  /** Trip every breaker whose reading crossed a stage it is not already at. Returns the new trips. */
  async tripCrossed(day: TradingDay, equityNow: number): Promise<BreakerTrip[]> {
    const trips: BreakerTrip[] = [];
    for (const r of await this.readings(day, equityNow)) {
      const stage = stageOf(r);
      if (!stage || severity(stage) <= severity(r.tripped)) continue;
      const at = this.d.clock.now();
      const trip: BreakerTrip = { name: r.name, stage, value: r.value!, limit: (stage === 'hard' ? r.hard : r.soft)!, day, at };
      const action = stage === 'hard' ? 'HALTED' : 'PAUSED';
      await this.d.repos.state.recordTrip(trip, action);
      breakerTripsTotal.inc({ breaker: r.name, stage });
      breakerStage.set({ breaker: r.name }, severity(stage));
      await this.d.alerts.raise(
        { type: 'breaker_tripped', breaker: r.name, stage, value: trip.value, limit: trip.limit, day },
        `breaker_tripped:${r.name}:${stage}:${at.toISOString()}`,
      );
      const reason = `${BREAKER_REASON_PREFIX}${r.name}: ${r.shown} ${r.name === 'cooldown' ? '<' : '≥'} ${stage} limit ${r.name === 'daily_loss' || r.name === 'max_drawdown' ? pct(trip.limit) : trip.limit}`;
      const state = await this.d.state.get();
      if (stage === 'hard' && state.status !== 'HALTED') await this.d.haltHard('system', reason);
      else if (stage === 'soft' && state.status === 'RUNNING') await this.d.state.set('PAUSED', 'system', reason);
      this.d.log?.warn({ breaker: r.name, stage, value: trip.value, limit: trip.limit }, 'circuit breaker tripped');
      trips.push(trip);
    }
    return trips;
  }

  /** Clear soft trips whose rule says so; back to RUNNING when no trip is left and breakers had paused. */
  async clearExpired(day: TradingDay, equityNow: number): Promise<BreakerName[]> {
    const tripped = await this.d.repos.state.trippedBreakers();
    if (tripped.length === 0) return [];
    const readings = await this.readings(day, equityNow);
    const cleared: BreakerName[] = [];
    for (const t of tripped) {
      if (t.stage !== 'soft') continue;
      if (!softTripExpired(t, readings.find((x) => x.name === t.name)!, day)) continue;
      await this.clear(t.name, 'system', day, equityNow);
      cleared.push(t.name);
    }
    if (cleared.length > 0 && tripped.length === cleared.length) {
      const state = await this.d.state.get();
      if (state.status === 'PAUSED' && state.changedBy === 'system' && state.reason.startsWith(BREAKER_REASON_PREFIX)) {
        await this.d.state.set('RUNNING', 'system', `circuit breakers cleared for ${day}: ${cleared.join(', ')}`);
      }
    }
    return cleared;
  }

  /** An operator's /resume: every trip clears and each breaker measures from now on. */
  async clearAll(by: string, day: TradingDay, equityNow: number): Promise<BreakerName[]> {
    const tripped = await this.d.repos.state.trippedBreakers();
    for (const t of tripped) await this.clear(t.name, by, day, equityNow);
    return tripped.map((t) => t.name);
  }

  private async clear(name: BreakerName, by: string, day: TradingDay, equity: number): Promise<void> {
    const c: BreakerClearance = { name, at: this.d.clock.now(), day, by, equity };
    await this.d.repos.state.clearBreaker(c);
    breakerStage.set({ breaker: name }, 0);
  }
}
