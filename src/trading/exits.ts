/** Exit rules, as pure functions over a position and a daily bar:
 * - initial stop and target at entry: the profile's ATR multiples (from the pick) or fixed percentages;
 * - trailing stop: once the high since entry is `trailingActivationPct` above entry, the stop follows
 *   `trailingPct` below that high (it only ever moves up);
 * - time exit after `maxHoldingDays` trading days;
 * - on a final bar, the stop is checked before the target (the conservative reading of a daily bar). */
import { roundPrice } from '../domain/money.js';
import type { Candle, OrderReason, Pick, Position } from '../domain/types.js';
import type { AppConfig } from '../config.js';

export type ExitRules = AppConfig['trading']['exits'];

/** Stop and target for a position opened at `fillPrice`. With ATR stops they keep the pick's distances from
 * its signal price; without a pick (or with fixed stops) they are percentages of the fill. */
export function initialLevels(fillPrice: number, pick: Pick | null, rules: ExitRules): { stopLoss: number; target: number } {
  if (rules.stops === 'atr' && pick) {
    return {
      stopLoss: roundPrice(Math.max(0.0001, fillPrice - (pick.entry - pick.stopLoss))),
      target: roundPrice(fillPrice + (pick.target - pick.entry)),
    };
  }
  return { stopLoss: roundPrice(fillPrice * (1 - rules.fixedStopPct)), target: roundPrice(fillPrice * (1 + rules.fixedTargetPct)) };
}

/** The new high-water mark and stop after a day's bar; the stop never moves down. `raised`: trailing moved it. */
export function trailAfter(pos: Position, bar: Candle, rules: ExitRules): { highWater: number; stopLoss: number; raised: boolean } {
  const highWater = Math.max(pos.highWater, bar.high);
  const active = rules.trailingPct > 0 && highWater >= pos.avgPrice * (1 + rules.trailingActivationPct);
  const trailed = active ? roundPrice(highWater * (1 - rules.trailingPct)) : pos.stopLoss;
  return { highWater, stopLoss: Math.max(pos.stopLoss, trailed), raised: active && trailed > pos.stopLoss };
}

export type ExitDecision =
  | { reason: Extract<OrderReason, 'stop' | 'trailing_stop'>; type: 'stop'; price: number }
  | { reason: 'target'; type: 'limit'; price: number }
  | { reason: 'time_exit'; type: 'market'; price: null };

/**
 * What to do with a position after `bar` (the final bar of the day): stop, target or time exit, else null.
 * `trailingStop` says whether the stop in force came from trailing. `daysHeld` counts trading days since entry.
 */
export function exitOnBar(pos: Position, bar: Candle, daysHeld: number, trailingStop: boolean, rules: ExitRules): ExitDecision | null {
  if (bar.low <= pos.stopLoss) return { reason: trailingStop ? 'trailing_stop' : 'stop', type: 'stop', price: pos.stopLoss };
  if (bar.high >= pos.target) return { reason: 'target', type: 'limit', price: pos.target };
  if (rules.maxHoldingDays > 0 && daysHeld >= rules.maxHoldingDays) return { reason: 'time_exit', type: 'market', price: null };
  return null;
}
