/** Walk-forward training as separate tasks: one (family, fold) each, pure given the market up to the run's
 * last day, so any process can run one and a rerun gives the same scores. The spec pins what a worker
 * needs to rebuild the coordinator's panel exactly: the universe, the last day, the models settings. */
import type { MarketMatrix } from '../backtest/market-matrix.js';
import type { AppConfig } from '../config.js';
import { OperationalError } from '../domain/errors.js';
import type { TradingDay } from '../domain/types.js';
import { FEATURE_COUNT } from '../market/indicators.js';
import { familiesFor, NETWORK_FAMILIES } from '../../models/families.js';
import { ensureBackend } from '../../models/neural/backend.js';
import type { Panel } from '../../models/panel.js';
import { reportFolds } from '../../models/train-report.js';

/** What every task of one distributed training run shares. */
export interface TrainFoldSpec {
  /** The universe (null: every stored symbol). */
  symbols: string[] | null;
  /** The matrix's last day when the run was queued: workers cut their matrix there. */
  dataThrough: TradingDay;
  models: AppConfig['models'];
}

/** One task: a family fitted on a fold's training span, scoring its test span. */
export interface FoldTask {
  family: string;
  fold: number;
}

/** A task's outcome: the test span's scores, day-major ((test.to - test.from + 1) × S), and its time. */
export interface FoldOutcome {
  scores: Float64Array;
  seconds: number;
}

/** The matrix cut at `day` (views, no copy: the arrays are day-major). */
export function matrixThrough(m: MarketMatrix, day: TradingDay): MarketMatrix {
  const D = m.days.filter((d) => d <= day).length;
  if (m.days[D - 1] !== day) throw new OperationalError(`the stored data does not reach ${day} (it ends ${m.days.at(-1) ?? '-'})`);
  const S = m.symbols.length;
  const cut = (a: Float64Array, w = 1) => a.subarray(0, D * S * w);
  return {
    ...m, days: m.days.slice(0, D), open: cut(m.open), high: cut(m.high), low: cut(m.low), close: cut(m.close), volume: cut(m.volume),
    features: cut(m.features, FEATURE_COUNT),
  };
}

/** Run one task on a panel built from the spec's matrix. */
export async function runFoldTask(p: Panel, spec: TrainFoldSpec, task: FoldTask): Promise<FoldOutcome> {
  const fam = familiesFor(spec.models).find((f) => f.name === task.family);
  if (!fam) throw new OperationalError(`unknown model family ${task.family}`);
  const fold = reportFolds(p.D, spec.models)[task.fold];
  if (!fold) throw new OperationalError(`no fold ${task.fold} in this run`);
  if (NETWORK_FAMILIES.has(fam.name)) await ensureBackend(spec.models.backend);
  const t0 = performance.now();
  const model = await fam.fit(p, fold.train);
  const out = new Float64Array(p.D * p.S).fill(Number.NaN);
  try {
    await fam.score(model, p, fold.test, out);
  } finally {
    fam.dispose(model);
  }
  return { scores: out.slice(fold.test.from * p.S, (fold.test.to + 1) * p.S), seconds: (performance.now() - t0) / 1000 };
}

