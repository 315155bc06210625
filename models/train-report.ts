/** `tiller train --report`: every model family and the 12-1 baseline walk-forward on the stored market,
 * printed per fold and overall. */
import type { MarketMatrix } from '../src/backtest/market-matrix.js';
import { computeMetrics } from '../src/backtest/metrics.js';
import type { ProfileConfig } from '../src/config.js';
import { BASELINE, momentum121 } from './baseline.js';
import { momentumRuleScores } from './rule-scores.js';
import { SIGNAL_RULES, signalRuleKind, signalRuleScores } from './signal-rules.js';
import { walkForwardFolds, type Fold } from './folds.js';
import { FAMILIES } from './families.js';
import type { ModelFamily } from './model-families.js';
import { buildPanel, type Panel } from './panel.js';
import { walkForwardReport, type FoldRunner, type ModelReport, type PortfolioFigures } from './walk-forward-eval.js';

export interface TrainOptions {
  /** Forward-return horizon in trading days. */
  horizon: number;
  trainDays: number;
  testDays: number;
  embargo: number;
  /** The daily top-N of the evaluation's portfolio figure. */
  topN: number;
  /** The live picks rule, evaluated beside the models (its profile's settings). */
  rule?: { name: string; profile: ProfileConfig };
  onProgress?: (model: string, fold: number, done: number, total: number, epoch?: number) => void;
  /** The top-N portfolio of `scores` traded over decision days [from, to] (the backtester, given by the
   * application: it knows the trading rules); without it the report has no portfolio figures. */
  portfolio?: PortfolioFn;
  /** Where the families' folds run (default: here, one after the other). */
  runner?: FoldRunner;
}

/** The top-N portfolio of `scores` over decision days [from, to] (indices of the matrix's days). */
/** The folds' portfolios joined: each fold starts a fresh account (as each fold's model is new), the
 * overall curve chains their returns; return, Sharpe and drawdown of the chained curve. */
export function joinPortfolios(parts: ReadonlyArray<PortfolioFigures | null>): PortfolioFigures | null {
  const runs = parts.filter((x): x is PortfolioFigures => x !== null && x.curve.length > 0);
  if (runs.length === 0) return null;
  const startEquity = runs[0]!.startEquity;
  let level = startEquity;
  const curve: PortfolioFigures['curve'] = [];
  for (const r of runs) {
    const scale = level / r.startEquity;
    for (const p of r.curve) curve.push({ day: p.day, equity: p.equity * scale, exposure: p.exposure * scale });
    level = curve.at(-1)!.equity;
  }
  const perYear = runs[0]!.perYear;
  const mt = computeMetrics({ curve, startEquity, trades: [], tradedValue: 0, costs: 0, perYear, benchmark: null });
  return {
    totalReturn: mt.totalReturn, sharpe: mt.sharpe, maxDrawdown: mt.maxDrawdown, trades: runs.reduce((n, r) => n + r.trades, 0),
    haltedOn: runs.map((r) => r.haltedOn).filter(Boolean).join(', ') || null, startEquity, curve, perYear,
  };
}

export type PortfolioFn = (model: string, scores: Float64Array, from: number, to: number) => PortfolioFigures | null;

export const DEFAULT_TRAIN: TrainOptions = { horizon: 10, trainDays: 504, testDays: 126, embargo: 5, topN: 10 };

/** Features need a year of bars (ROC 252) before they all have values. */
export const WARMUP_DAYS = 252;

export interface TrainReport {
  folds: Array<Fold & { trainDays: { from: string; to: string }; testDays: { from: string; to: string } }>;
  models: ModelReport[];
  symbols: number;
  seconds: { panel: number; total: number };
  /** The panel and the last decision day with a known label, for training final models on everything. */
  panel: Panel;
  lastLabelled: number;
}

/** The last decision day of `days` whose label (H days from the next open) is known. */
export const lastLabelledDay = (days: number, horizon: number): number => days - horizon - 2;

/** The walk-forward folds over `days` decision days after the warm-up: the report's, and those a worker
 * rebuilds for a distributed run. */
export function reportFolds(days: number, o: Pick<TrainOptions, 'horizon' | 'trainDays' | 'testDays' | 'embargo'>): Fold[] {
  return walkForwardFolds({ first: WARMUP_DAYS, last: lastLabelledDay(days, o.horizon), horizon: o.horizon, trainDays: o.trainDays, testDays: o.testDays, embargo: o.embargo });
}

export async function trainReport(m: MarketMatrix, o: TrainOptions, families: readonly ModelFamily[] = FAMILIES): Promise<TrainReport> {
  const t0 = performance.now();
  const panel = buildPanel(m, o.horizon);
  const t1 = performance.now();
  const lastLabelled = lastLabelledDay(m.days.length, o.horizon);
  const folds = reportFolds(m.days.length, o);
  const fixed: Record<string, Float64Array> = { [BASELINE]: momentum121(m) };
  if (o.rule) fixed[o.rule.name] = momentumRuleScores(m, o.rule.profile);
  for (const name of SIGNAL_RULES) fixed[signalRuleKind(name)] = signalRuleScores(m, name, -1);
  const models = await walkForwardReport(panel, folds, fixed, families, o.onProgress, o.topN, o.runner);
  if (o.portfolio && folds.length > 0) {
    for (const r of models) {
      for (const f of r.folds) f.portfolio = o.portfolio(r.model, r.scores, folds[f.fold]!.test.from, folds[f.fold]!.test.to);
      r.overall.portfolio = joinPortfolios(r.folds.map((f) => f.portfolio ?? null));
    }
  }
  const day = (i: number) => m.days[i]!;
  return {
    folds: folds.map((f) => ({ ...f, trainDays: { from: day(f.train.from), to: day(f.train.to) }, testDays: { from: day(f.test.from), to: day(f.test.to) } })),
    models, symbols: m.symbols.length, seconds: { panel: (t1 - t0) / 1000, total: (performance.now() - t0) / 1000 }, panel, lastLabelled,
  };
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '-');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(2)} %` : '-');

/** The report as a plain-text table. */
export function trainReportTable(r: TrainReport): string {
  const head = ['model', 'fold', 'test span', 'rank IC', 't', 'hit rate', 'top-bottom decile', 'top-N', 'portfolio', 'Sharpe', 'max DD', 'train s'];
  const pf = (x: PortfolioFigures | null | undefined) => (x ? [`${pct(x.totalReturn)}${x.haltedOn ? ' H' : ''}`, x.sharpe == null ? '-' : x.sharpe.toFixed(2), pct(x.maxDrawdown)] : ['-', '-', '-']);
  const rows: string[][] = [];
  for (const mr of r.models) {
    for (const f of mr.folds) {
      const span = r.folds[f.fold]!.testDays;
      rows.push([mr.model, String(f.fold + 1), `${span.from}..${span.to}`, f3(f.ic), f1(f.icT), pct(f.hitRate), pct(f.decileSpread), pct(f.topN), ...pf(f.portfolio), f1(f.seconds)]);
    }
    const first = r.folds[0]?.testDays.from ?? '-';
    const last = r.folds.at(-1)?.testDays.to ?? '-';
    rows.push([mr.model, 'all', `${first}..${last}`, f3(mr.overall.ic), f1(mr.overall.icT), pct(mr.overall.hitRate), pct(mr.overall.decileSpread), pct(mr.overall.topN), ...pf(mr.overall.portfolio), f1(mr.seconds)]);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i]!.length)));
  const line = (x: string[]) => x.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [
    `walk-forward: ${r.folds.length} folds, ${r.symbols} symbols; training purged of labels that reach the test span; scores ranked across symbols each day`,
    line(head), ...rows.map(line),
    `hit rate: share of each day's top-decile scores whose forward return beat that day's median; top-N: mean forward return of the day's N best scores; portfolio, Sharpe, max DD: the daily top-N bought at the next open and traded by the live rules (sizing, stops, targets, breakers) after slippage and fees, a fresh account each fold, 'all' chaining the folds; H: a hard breaker halted that account (no operator resumes it); panel ${r.seconds.panel.toFixed(1)} s, all ${r.seconds.total.toFixed(1)} s`,
  ].join('\n');
}
