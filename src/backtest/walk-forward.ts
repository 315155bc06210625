/** Walk-forward optimisation: for each window, every point of a small parameter grid is backtested on the
 * training span only and the best (by Sharpe, then return) is traded on the following test span, which no
 * choice ever saw. In-sample and out-of-sample figures are reported side by side; the out-of-sample spans,
 * chained, are the honest estimate. Windows roll forward by the test length.
 *
 * The work runs in two batches through a `SweepRunner`: every (window, point) training run at once, then
 * every window's test run with its chosen point. Batches are what several workers share. */
import { addDays } from '../market/market-time.js';
import type { RiskProfile, TradingDay } from '../domain/types.js';
import type { SweepOutcome, SweepPoint, SweepRunner, SweepTask } from './sweep.js';

export { withPoint, type SweepPoint } from './sweep.js';

export const DEFAULT_GRID: SweepPoint[] = [1.5, 2, 3].flatMap((stopAtr) => [2, 3, 4].flatMap((targetAtr) => [10, 20].map((maxHoldingDays) => ({ stopAtr, targetAtr, maxHoldingDays }))));

/** One window: the training and test spans, the point chosen, and its figures on each. */
export interface WalkForwardWindow {
  train: { from: TradingDay; to: TradingDay };
  test: { from: TradingDay; to: TradingDay };
  chosen: SweepPoint;
  inSample: SweepOutcome;
  outOfSample: SweepOutcome;
}

/** Every window, and the out-of-sample spans chained. */
export interface WalkForwardResult {
  windows: WalkForwardWindow[];
  /** Out-of-sample returns chained over every test span. */
  outOfSampleReturn: number;
  inSampleMeanReturn: number;
  points: number;
  /** Where the backtests ran: in-process, or the Agenda queue shared by workers with each one's count. */
  ranOn: string;
}

/** The period, profile, spans and grid of a walk-forward run. */
export interface WalkForwardOptions {
  from: TradingDay;
  to: TradingDay;
  profile: RiskProfile;
  trainMonths: number;
  testMonths: number;
  grid?: SweepPoint[];
  onProgress?: (done: number, total: number) => void;
}

const addMonths = (day: TradingDay, months: number): TradingDay => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
};

type Span = { from: TradingDay; to: TradingDay };

/** The windows of a walk-forward run: training spans of `trainMonths`, each followed by a test span of
 * `testMonths`, rolling by the test length until the test span would start after `to`. */
export function walkForwardSpans(from: TradingDay, to: TradingDay, trainMonths: number, testMonths: number): Array<{ train: Span; test: Span }> {
  const spans: Array<{ train: Span; test: Span }> = [];
  for (let start = from; ; start = addMonths(start, testMonths)) {
    const trainTo = addDays(addMonths(start, trainMonths), -1);
    const testFrom = addMonths(start, trainMonths);
    const testTo = addDays(addMonths(testFrom, testMonths), -1);
    if (testFrom > to) break;
    spans.push({ train: { from: start, to: trainTo }, test: { from: testFrom, to: testTo > to ? to : testTo } });
  }
  return spans;
}

/** The best outcome's index: highest Sharpe (none counts as lowest), then highest return, then the first. */
export function bestOf(outcomes: readonly SweepOutcome[]): number {
  let best = 0;
  for (let i = 1; i < outcomes.length; i++) {
    const a = outcomes[i]!;
    const b = outcomes[best]!;
    const sa = a.sharpe ?? -Infinity;
    const sb = b.sharpe ?? -Infinity;
    if (sa > sb || (sa === sb && a.totalReturn > b.totalReturn)) best = i;
  }
  return best;
}

/** Run the walk-forward through `runner`. */
export async function walkForward(runner: SweepRunner, o: WalkForwardOptions): Promise<WalkForwardResult> {
  const grid = o.grid ?? DEFAULT_GRID;
  const spans = walkForwardSpans(o.from, o.to, o.trainMonths, o.testMonths);
  const total = spans.length * (grid.length + 1);
  let done = 0;
  const tick = () => o.onProgress?.(++done, total);
  const training: SweepTask[] = spans.flatMap((s) => grid.map((point) => ({ point, ...s.train, profile: o.profile })));
  const trained = await runner.run(training, tick);
  const chosen = spans.map((_, w) => bestOf(trained.slice(w * grid.length, (w + 1) * grid.length)));
  const tested = await runner.run(spans.map((s, w) => ({ point: grid[chosen[w]!]!, ...s.test, profile: o.profile })), tick);
  const windows: WalkForwardWindow[] = spans.map((s, w) => ({
    ...s, chosen: grid[chosen[w]!]!, inSample: trained[w * grid.length + chosen[w]!]!, outOfSample: tested[w]!,
  }));
  return {
    windows,
    outOfSampleReturn: windows.reduce((a, w) => a * (1 + w.outOfSample.totalReturn), 1) - 1,
    inSampleMeanReturn: windows.length ? windows.reduce((a, w) => a + w.inSample.totalReturn, 0) / windows.length : 0,
    points: grid.length,
    ranOn: runner.where,
  };
}
