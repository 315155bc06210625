/** The model families trained walk-forward on the panel. Each one fits on a fold's training days and
 * scores its test days; scores are NaN where a symbol has no bar. */
import { BINS, binRows } from './trees/binned.js';
import { DEFAULT_BOOST, DEFAULT_FOREST, predictEnsemble, trainBoosted, trainForest, type TreeEnsemble } from './trees/ensembles.js';
import type { Panel } from './panel.js';

export interface Span {
  from: number;
  to: number;
}

/** A model family: how it trains on a span, how a trained model scores days, and how it is stored.
 * `M` is the trained model (a tree ensemble, a TensorFlow.js network). */
export interface ModelFamily<M = unknown> {
  name: string;
  /** The family's training parameters, as stored with each model. */
  params: object;
  /** Where it computes: 'js-typed-arrays', or the TensorFlow.js backend chosen for this process. */
  backend(): Promise<string>;
  fit(p: Panel, train: Span, onProgress?: (done: number, total: number, epoch?: number) => void): Promise<M>;
  /** Write the scores of the `days` span into `out` (day-major D * S); cells without a bar stay as they are. */
  score(model: M, p: Panel, days: Span, out: Float64Array): Promise<void>;
  /** The model as a JSON value for its artefact file. */
  save(model: M): Promise<unknown>;
  /** The model from its artefact's JSON value; throws when it was written for another layout. */
  load(body: unknown): Promise<M>;
  /** Release what the model holds outside the JavaScript heap (tensors). */
  dispose(model: M): void;
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

/** The tree families compute in this process's typed arrays. */
export const TREE_BACKEND = 'js-typed-arrays';

/** A stored tree model: the ensemble and the bin count its splits were made with. */
interface TreeBody {
  bins: number;
  ensemble: TreeEnsemble;
}

function treeFamily(name: string, params: object, train: (p: Panel, cells: Int32Array, onProgress?: (d: number, t: number) => void) => Promise<TreeEnsemble>): ModelFamily<TreeEnsemble> {
  return {
    name, params,
    backend: async () => TREE_BACKEND,
    fit: (p, span, onProgress) => train(p, cellsOf(p, span, true), onProgress),
    async score(model, p, days, out) {
      const cells = cellsOf(p, days, false);
      const scores = predictEnsemble(model, binRows(p.x, p.F, cells));
      for (let i = 0; i < cells.length; i++) out[cells[i]!] = scores[i]!;
    },
    save: async (ensemble): Promise<TreeBody> => ({ bins: BINS, ensemble }),
    async load(body) {
      const b = body as Partial<TreeBody> | null;
      if (!b || b.bins !== BINS || !Array.isArray(b.ensemble?.trees)) throw new Error(`${name}: the artefact was written for another tree layout`);
      return b.ensemble;
    },
    dispose: () => undefined,
  };
}

const targets = (p: Panel, cells: Int32Array): Float64Array => Float64Array.from(cells, (c) => p.target[c]!);

export const BOOSTED_TREES = treeFamily('trees-gbt', DEFAULT_BOOST, (p, cells, onProgress) => trainBoosted(binRows(p.x, p.F, cells), targets(p, cells), DEFAULT_BOOST, onProgress));
export const RANDOM_FOREST = treeFamily('trees-forest', DEFAULT_FOREST, (p, cells, onProgress) => trainForest(binRows(p.x, p.F, cells), targets(p, cells), DEFAULT_FOREST, onProgress));

export const TREE_FAMILIES: ModelFamily[] = [BOOSTED_TREES, RANDOM_FOREST];
