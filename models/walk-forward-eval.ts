/** Every model family and the baseline on the same purged walk-forward folds: per fold and overall (the
 * test spans joined), the out-of-sample rank IC with its t-statistic, hit rate and decile spread. */
import { evaluateScores, type Evaluation } from './evaluate.js';
import type { Fold } from './folds.js';
import type { ModelFamily } from './model-families.js';
import { crossRank, type Panel } from './panel.js';

/** A daily top-N portfolio of a model's scores, traded by the live rules with costs (the backtester). */
export interface PortfolioFigures {
  totalReturn: number;
  sharpe: number | null;
  maxDrawdown: number;
  trades: number;
  /** The day a hard breaker halted the account (nothing traded after it: no operator resumes a backtest). */
  haltedOn: string | null;
  /** The account's end-of-day equity from its start, and the market's sessions a year, for joining folds. */
  startEquity: number;
  curve: Array<{ day: string; equity: number; exposure: number }>;
  perYear: number;
}

export interface ModelReport {
  model: string;
  folds: Array<Evaluation & { fold: number; seconds: number; portfolio?: PortfolioFigures | null }>;
  overall: Evaluation & { portfolio?: PortfolioFigures | null };
  seconds: number;
  /** The out-of-sample scores on the test spans (day-major; NaN elsewhere), for the portfolio step. */
  scores: Float64Array;
}

/** Runs (family, fold) tasks somewhere else (Agenda workers): each outcome is the fold's test-span scores,
 * day-major, exactly what fitting the family on the fold's training span and scoring its test span gives. */
export interface FoldRunner {
  run(tasks: ReadonlyArray<{ family: string; fold: number }>): Promise<Array<{ scores: Float64Array; seconds: number }>>;
}

/** Evaluate fixed scores (a rule or the baseline) and trained families over `folds`; the families' folds
 * in this process, or all at once through `runner`. */
export async function walkForwardReport(
  p: Panel, folds: readonly Fold[], fixed: Record<string, Float64Array>, families: readonly ModelFamily[],
  onProgress?: (model: string, fold: number, done: number, total: number, epoch?: number) => void, topN = 10, runner?: FoldRunner,
): Promise<ModelReport[]> {
  if (folds.length === 0) return [];
  const first = folds[0]!.test.from;
  const last = folds.at(-1)!.test.to;
  const reports: ModelReport[] = [];
  for (const [model, scores] of Object.entries(fixed)) {
    reports.push({
      model, seconds: 0, scores, overall: evaluateScores(p, scores, first, last, topN),
      folds: folds.map((f) => ({ fold: f.index, seconds: 0, ...evaluateScores(p, scores, f.test.from, f.test.to, topN) })),
    });
  }
  const familyScores: Float64Array[] = [];
  if (runner) {
    const tasks = families.flatMap((fam) => folds.map((f) => ({ family: fam.name, fold: f.index })));
    const outcomes = await runner.run(tasks);
    for (const fam of families) {
      const scores = new Float64Array(p.D * p.S).fill(Number.NaN);
      familyScores.push(scores);
      const perFold: ModelReport['folds'] = [];
      for (const f of folds) {
        const o = outcomes[tasks.findIndex((t) => t.family === fam.name && t.fold === f.index)]!;
        scores.set(o.scores, f.test.from * p.S);
        perFold.push({ fold: f.index, seconds: o.seconds, ...evaluateScores(p, scores, f.test.from, f.test.to, topN) });
      }
      reports.push({ model: fam.name, scores, folds: perFold, overall: evaluateScores(p, scores, first, last, topN), seconds: perFold.reduce((s, f) => s + f.seconds, 0) });
    }
  }
  for (const fam of runner ? [] : families) {
    const scores = new Float64Array(p.D * p.S).fill(Number.NaN);
    familyScores.push(scores);
    const t0 = performance.now();
    const perFold: ModelReport['folds'] = [];
    for (const f of folds) {
      const t = performance.now();
      const model = await fam.fit(p, f.train, (done, total, epoch) => onProgress?.(fam.name, f.index, done, total, epoch));
      try {
        await fam.score(model, p, f.test, scores);
      } finally {
        fam.dispose(model);
      }
      perFold.push({ fold: f.index, seconds: (performance.now() - t) / 1000, ...evaluateScores(p, scores, f.test.from, f.test.to, topN) });
    }
    reports.push({ model: fam.name, scores, folds: perFold, overall: evaluateScores(p, scores, first, last, topN), seconds: (performance.now() - t0) / 1000 });
  }
  if (families.length > 1) reports.push(ensembleReport(p, folds, familyScores, topN));
  return reports;
}

export const ENSEMBLE = 'ensemble';

/** Weights from rank ICs: floored at 0 and normalised; equal when none is positive. */
export function icWeights(ics: readonly number[]): number[] {
  const w = ics.map((x) => (Number.isFinite(x) && x > 0 ? x : 0));
  const total = w.reduce((a, b) => a + b, 0);
  return total > 0 ? w.map((x) => x / total) : w.map(() => 1 / w.length);
}

/** Into `out` on decision days [from, to]: each live symbol's sum of the members' daily cross-sectional score
 * ranks times their weights (a member with no score for it adds nothing); NaN where the symbol has no bar. */
export function combineRanks(p: Pick<Panel, 'S' | 'live'>, scores: readonly Float64Array[], weights: readonly number[], from: number, to: number, out: Float64Array): void {
  const S = p.S;
  const col = new Float64Array(S);
  const ranked = new Float64Array(S);
  const scratch = new Float64Array(S);
  for (let d = from; d <= to; d++) {
    for (let s = 0; s < S; s++) out[d * S + s] = p.live[d * S + s] ? 0 : Number.NaN;
    scores.forEach((sc, k) => {
      for (let s = 0; s < S; s++) col[s] = sc[d * S + s]!;
      crossRank(col, ranked, scratch);
      for (let s = 0; s < S; s++) if (!Number.isNaN(ranked[s]!)) out[d * S + s]! += weights[k]! * ranked[s]!;
    });
  }
}

/** The families combined: on each fold's test days, the sum of each family's daily score ranks weighted by
 * its rank IC so far: measured on the earlier test days whose labels had ended before this fold's test span
 * began (so no weight looks ahead), floored at 0; equal weights on the first fold or when none is positive. */
export function ensembleReport(p: Panel, folds: readonly Fold[], familyScores: readonly Float64Array[], topN: number): ModelReport {
  const combined = new Float64Array(p.D * p.S).fill(Number.NaN);
  const first = folds[0]!.test.from;
  const perFold: ModelReport['folds'] = [];
  const t0 = performance.now();
  for (const f of folds) {
    const known = f.test.from - p.horizon - 2; // the last decision day whose label ended before this test span
    const ics = familyScores.map((sc) => (known < first ? 1 : evaluateScores(p, sc, first, known, topN).ic));
    combineRanks(p, familyScores, icWeights(ics), f.test.from, f.test.to, combined);
    perFold.push({ fold: f.index, seconds: 0, ...evaluateScores(p, combined, f.test.from, f.test.to, topN) });
  }
  return { model: ENSEMBLE, scores: combined, folds: perFold, overall: evaluateScores(p, combined, first, folds.at(-1)!.test.to, topN), seconds: (performance.now() - t0) / 1000 };
}
