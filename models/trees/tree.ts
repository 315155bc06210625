/** One regression tree grown on binned rows by histograms (squared error): each node sums the targets of
 * its rows per (feature, bin) and takes the split with the largest reduction of squared error, with L2
 * shrinkage `lambda` on leaf values. Nodes are flat typed arrays, so a tree is a few kilobytes of JSON. */
import { BINS, type BinnedRows } from './binned.js';

export interface TreeParams {
  depth: number;
  minLeaf: number;
  /** Share of features considered per tree (0..1]. */
  featureFraction: number;
  lambda: number;
}

/** A grown tree: node i splits on `feature[i]` at bin `threshold[i]` (bin <= threshold goes left), or is a
 * leaf when feature[i] is -1 and predicts value[i]. */
export interface Tree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

/** Grow a tree on rows `idx` (indices into `data`) with targets `y` (by row index). `random` in [0, 1). */
export function growTree(data: BinnedRows, y: Float64Array, idx: Int32Array, p: TreeParams, random: () => number): Tree {
  const { F, bins } = data;
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const features: number[] = [];
  for (let f = 0; f < F; f++) if (random() < p.featureFraction) features.push(f);
  if (features.length === 0) features.push(Math.floor(random() * F));
  const sum = new Float64Array(F * BINS);
  const cnt = new Float64Array(F * BINS);
  const work = Int32Array.from(idx);
  const grow = (lo: number, hi: number, depth: number): number => {
    const node = tree.feature.length;
    let total = 0;
    for (let i = lo; i < hi; i++) total += y[work[i]!]!;
    const n = hi - lo;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(total / (n + p.lambda));
    if (depth >= p.depth || n < 2 * p.minLeaf) return node;
    sum.fill(0);
    cnt.fill(0);
    for (let i = lo; i < hi; i++) {
      const r = work[i]!;
      const t = y[r]!;
      const base = r * F;
      for (const f of features) {
        const k = f * BINS + bins[base + f]!;
        sum[k]! += t;
        cnt[k]!++;
      }
    }
    const parent = (total * total) / (n + p.lambda);
    let bestGain = 1e-12;
    let bestF = -1;
    let bestB = -1;
    for (const f of features) {
      let sl = 0;
      let nl = 0;
      for (let b = 0; b < BINS - 1; b++) {
        sl += sum[f * BINS + b]!;
        nl += cnt[f * BINS + b]!;
        const nr = n - nl;
        if (nl < p.minLeaf || nr < p.minLeaf) continue;
        const sr = total - sl;
        const gain = (sl * sl) / (nl + p.lambda) + (sr * sr) / (nr + p.lambda) - parent;
        if (gain > bestGain) {
          bestGain = gain;
          bestF = f;
          bestB = b;
        }
      }
    }
    if (bestF < 0) return node;
    // Partition rows in place: bin <= threshold to the left.
    let i = lo;
    let j = hi - 1;
    while (i <= j) {
      if (bins[work[i]! * F + bestF]! <= bestB) i++;
      else {
        const t = work[i]!;
        work[i] = work[j]!;
        work[j] = t;
        j--;
      }
    }
    tree.feature[node] = bestF;
    tree.threshold[node] = bestB;
    tree.left[node] = grow(lo, i, depth + 1);
    tree.right[node] = grow(i, hi, depth + 1);
    return node;
  };
  grow(0, work.length, 0);
  return tree;
}

/** The tree's value for one row of bins starting at `at`. */
export function predictTree(t: Tree, bins: Uint8Array, at: number): number {
  let node = 0;
  while (t.feature[node]! >= 0) node = bins[at + t.feature[node]!]! <= t.threshold[node]! ? t.left[node]! : t.right[node]!;
  return t.value[node]!;
}
