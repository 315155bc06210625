import type { BreakerClearance, BreakerName, BreakerTrip, TradingDay, TradingState } from '../domain/types.js';

/** The trading state (RUNNING, PAUSED, HALTED) with its history, and the circuit breakers' stages and trips. */
export interface StateRepository {
  /** The stored trading state, or null before the first change. */
  get(): Promise<TradingState | null>;
  /** Persist a new state and its history row. */
  set(state: TradingState & { changedAt: Date }): Promise<void>;
  /** Persist a trip (its current stage) and its history row. */
  recordTrip(trip: BreakerTrip, action: string): Promise<void>;
  /** Breakers tripped now. */
  trippedBreakers(): Promise<BreakerTrip[]>;
  /** Clear a tripped breaker; its measurement restarts from the clearance. */
  clearBreaker(c: BreakerClearance): Promise<void>;
  /** The last clearance of each breaker that was ever cleared. */
  clearances(): Promise<Map<BreakerName, BreakerClearance>>;
  /** The latest breaker trip, or null when none has tripped. */
  lastBreaker(): Promise<{ name: BreakerName; stage: string; day: TradingDay; value: number; limit: number; at: Date } | null>;
}
