/** The model families trained walk-forward on the panel. Each one fits on a fold's training days and
 * scores its test days; scores are NaN where a symbol has no bar. */
import { binRows } from './trees/binned.js';
import { DEFAULT_BOOST, DEFAULT_FOREST, predictEnsemble, trainBoosted, trainForest, type TreeEnsemble } from './trees/ensembles.js';
import type { Panel } from './panel.js';

export interface Span {
  from: number;
  to: number;
}

/** A model family: how it trains on a span, and how a trained model scores days. */
export interface ModelFamily {
  name: string;
  /** The family's training parameters, as stored with each model. */
  params: object;
  fit(p: Panel, train: Span, onProgress?: (done: number, total: number) => void): TreeEnsemble;
  /** Write the scores of the `days` span into `out` (day-major D * S); cells without a bar stay as they are. */
  score(model: TreeEnsemble, p: Panel, days: Span, out: Float64Array): void;
}

/** Cells (d * S + s) of the span's days: with a known target for training, or every live one for scoring. */
export function cellsOf(p: Panel, span: Span, labelled: boolean): Int32Array {
  const out = new Int32Array((span.to - span.from + 1) * p.S);
  let k = 0;
  for (let d = span.from; d <= span.to; d++) {
    for (let s = 0; s < p.S; s++) {
      const c = d * p.S + s;
      if (!p.live[c]) continue;
      if (labelled && Number.isNaN(p.target[c]!)) continue;
      out[k++] = c;
    }
  }
  return out.subarray(0, k);
}

function treeFamily(name: string, params: object, train: (p: Panel, cells: Int32Array, onProgress?: (d: number, t: number) => void) => TreeEnsemble): ModelFamily {
  return {
    name, params,
    fit: (p, span, onProgress) => train(p, cellsOf(p, span, true), onProgress),
    score(model, p, days, out) {
      const cells = cellsOf(p, days, false);
      const scores = predictEnsemble(model, binRows(p.x, p.F, cells));
      for (let i = 0; i < cells.length; i++) out[cells[i]!] = scores[i]!;
    },
  };
}

const targets = (p: Panel, cells: Int32Array): Float64Array => Float64Array.from(cells, (c) => p.target[c]!);

export const BOOSTED_TREES = treeFamily('trees-gbt', DEFAULT_BOOST, (p, cells, onProgress) => trainBoosted(binRows(p.x, p.F, cells), targets(p, cells), DEFAULT_BOOST, onProgress));
export const RANDOM_FOREST = treeFamily('trees-forest', DEFAULT_FOREST, (p, cells, onProgress) => trainForest(binRows(p.x, p.F, cells), targets(p, cells), DEFAULT_FOREST, onProgress));

export const FAMILIES: ModelFamily[] = [BOOSTED_TREES, RANDOM_FOREST];
