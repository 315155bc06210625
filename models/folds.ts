/** Walk-forward folds with purge and embargo over decision-day indices. Each fold trains on every day
 * before its test span whose label is known before the test span starts (purge: a label that ends inside
 * or after it would leak the test period into training), minus `embargo` more days, and tests on the next
 * `testDays` days. Training grows from the first day (expanding window) or keeps `trainDays` (rolling). */
import { labelEnd } from './panel.js';

export interface Fold {
  index: number;
  train: { from: number; to: number };
  test: { from: number; to: number };
}

export interface FoldOptions {
  /** First decision day with usable features (after the warm-up). */
  first: number;
  /** Last decision day whose label is known. */
  last: number;
  horizon: number;
  /** Minimum training days before the first test span. */
  trainDays: number;
  testDays: number;
  /** Days dropped between the purged training end and the test start. */
  embargo: number;
  /** Keep only the last `trainDays` training days (default: grow from `first`). */
  rolling?: boolean;
}

export function walkForwardFolds(o: FoldOptions): Fold[] {
  const folds: Fold[] = [];
  for (let testFrom = o.first + o.trainDays + o.horizon + 1 + o.embargo; testFrom <= o.last; testFrom += o.testDays) {
    // The last training day t must have labelEnd(t) < testFrom.
    let trainTo = testFrom - 1;
    while (trainTo >= o.first && labelEnd(trainTo, o.horizon) >= testFrom) trainTo--;
    trainTo -= o.embargo;
    const trainFrom = o.rolling ? Math.max(o.first, trainTo - o.trainDays + 1) : o.first;
    if (trainTo - trainFrom + 1 < o.trainDays) continue;
    folds.push({ index: folds.length, train: { from: trainFrom, to: trainTo }, test: { from: testFrom, to: Math.min(o.last, testFrom + o.testDays - 1) } });
  }
  return folds;
}
