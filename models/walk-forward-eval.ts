/** Every model family and the baseline on the same purged walk-forward folds: per fold and overall (the
 * test spans joined), the out-of-sample rank IC with its t-statistic, hit rate and decile spread. */
import { evaluateScores, type Evaluation } from './evaluate.js';
import type { Fold } from './folds.js';
import type { ModelFamily } from './model-families.js';
import type { Panel } from './panel.js';

export interface ModelReport {
  model: string;
  folds: Array<Evaluation & { fold: number; seconds: number }>;
  overall: Evaluation;
  seconds: number;
}

/** Evaluate fixed scores (a rule or the baseline) and trained families over `folds`. */
export function walkForwardReport(
  p: Panel, folds: readonly Fold[], fixed: Record<string, Float64Array>, families: readonly ModelFamily[],
  onProgress?: (model: string, fold: number, done: number, total: number) => void, topN = 10,
): ModelReport[] {
  if (folds.length === 0) return [];
  const first = folds[0]!.test.from;
  const last = folds.at(-1)!.test.to;
  const reports: ModelReport[] = [];
  for (const [model, scores] of Object.entries(fixed)) {
    reports.push({
      model, seconds: 0, overall: evaluateScores(p, scores, first, last, topN),
      folds: folds.map((f) => ({ fold: f.index, seconds: 0, ...evaluateScores(p, scores, f.test.from, f.test.to, topN) })),
    });
  }
  for (const fam of families) {
    const scores = new Float64Array(p.D * p.S).fill(Number.NaN);
    const t0 = performance.now();
    const perFold: ModelReport['folds'] = [];
    for (const f of folds) {
      const t = performance.now();
      fam.score(fam.fit(p, f.train, (done, total) => onProgress?.(fam.name, f.index, done, total)), p, f.test, scores);
      perFold.push({ fold: f.index, seconds: (performance.now() - t) / 1000, ...evaluateScores(p, scores, f.test.from, f.test.to, topN) });
    }
    reports.push({ model: fam.name, folds: perFold, overall: evaluateScores(p, scores, first, last, topN), seconds: (performance.now() - t0) / 1000 });
  }
  return reports;
}
