/** Tree ensembles on the panel: gradient-boosted trees (each tree fits what the previous ones left,
 * shrunk by the learning rate, on a random share of the rows) and a random forest (deeper trees on random
 * halves of the rows and a third of the features, averaged). Both learn the cross-sectional rank of the
 * forward return from the ranked features. No maintained JS library trains boosted trees at this scale;
 * these are histogram learners on typed arrays (see tree.ts). */
import { seededRandom } from '../../src/backtest/monte-carlo.js';
import type { BinnedRows } from './binned.js';
import { growTree, predictTree, type Tree, type TreeParams } from './tree.js';

export interface BoostParams extends TreeParams {
  trees: number;
  learningRate: number;
  /** Share of rows sampled for each tree. */
  rowFraction: number;
  seed: number;
}

export interface ForestParams extends TreeParams {
  trees: number;
  rowFraction: number;
  seed: number;
}

/** A trained ensemble: prediction = base + scale * sum of tree values. */
export interface TreeEnsemble {
  base: number;
  scale: number;
  trees: Tree[];
}

export const DEFAULT_BOOST: BoostParams = { trees: 60, learningRate: 0.1, rowFraction: 0.3, depth: 4, minLeaf: 200, featureFraction: 0.6, lambda: 10, seed: 1 };
export const DEFAULT_FOREST: ForestParams = { trees: 40, rowFraction: 0.3, depth: 6, minLeaf: 200, featureFraction: 0.33, lambda: 10, seed: 2 };

function sampleRows(n: number, fraction: number, random: () => number): Int32Array {
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < fraction) out[k++] = i;
  return out.subarray(0, k);
}

/** Let the process serve other work (chat, jobs) between two trees: a fold trains for seconds. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Train gradient-boosted trees on rows of `data` with targets `y`. */
export async function trainBoosted(data: BinnedRows, y: Float64Array, p: BoostParams, onTree?: (done: number, total: number) => void): Promise<TreeEnsemble> {
  const random = seededRandom(p.seed);
  let base = 0;
  for (let i = 0; i < data.n; i++) base += y[i]!;
  base /= Math.max(1, data.n);
  const pred = new Float64Array(data.n).fill(base);
  const residual = new Float64Array(data.n);
  const trees: Tree[] = [];
  for (let t = 0; t < p.trees; t++) {
    for (let i = 0; i < data.n; i++) residual[i] = y[i]! - pred[i]!;
    const tree = growTree(data, residual, sampleRows(data.n, p.rowFraction, random), p, random);
    for (let i = 0; i < data.n; i++) pred[i]! += p.learningRate * predictTree(tree, data.bins, i * data.F);
    trees.push(tree);
    onTree?.(t + 1, p.trees);
    await yieldToEventLoop();
  }
  return { base, scale: p.learningRate, trees };
}

/** Train a random forest on rows of `data` with targets `y`. */
export async function trainForest(data: BinnedRows, y: Float64Array, p: ForestParams, onTree?: (done: number, total: number) => void): Promise<TreeEnsemble> {
  const random = seededRandom(p.seed);
  const trees: Tree[] = [];
  for (let t = 0; t < p.trees; t++) {
    trees.push(growTree(data, y, sampleRows(data.n, p.rowFraction, random), p, random));
    onTree?.(t + 1, p.trees);
    await yieldToEventLoop();
  }
  return { base: 0, scale: 1 / Math.max(1, p.trees), trees };
}

/** Predict every row of `data`. */
export function predictEnsemble(e: TreeEnsemble, data: BinnedRows): Float64Array {
  const out = new Float64Array(data.n);
  for (let i = 0; i < data.n; i++) {
    let v = 0;
    for (const t of e.trees) v += predictTree(t, data.bins, i * data.F);
    out[i] = e.base + e.scale * v;
  }
  return out;
}
