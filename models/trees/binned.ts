/** Rows of the panel's ranked features quantised to a few bins (one byte per value), the input of the
 * histogram tree learners. Ranks live in [-0.5, 0.5], so the bins are fixed and equal-width: training and
 * prediction bin the same way without storing cut points. */
export const BINS = 32;

export const binOf = (x: number): number => {
  const b = Math.floor((x + 0.5) * BINS);
  return b < 0 ? 0 : b >= BINS ? BINS - 1 : b;
};

export interface BinnedRows {
  n: number;
  F: number;
  /** Row-major bins: [i * F + f]. */
  bins: Uint8Array;
}

/** Bin the rows `rows` (indices into the panel's day-major (d * S + s) cells) of features `x`. */
export function binRows(x: Float32Array, F: number, cells: Int32Array): BinnedRows {
  const bins = new Uint8Array(cells.length * F);
  for (let i = 0; i < cells.length; i++) {
    const at = cells[i]! * F;
    for (let f = 0; f < F; f++) bins[i * F + f] = binOf(x[at + f]!);
  }
  return { n: cells.length, F, bins };
}
