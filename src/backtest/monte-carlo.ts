/** Monte Carlo resampling of a backtest's closed trades: N sequences drawn with replacement (as many trades
 * as the run had), each applied to the starting capital in turn; percentile bands of the final return and of
 * the largest drawdown. Seeded, so a run can be repeated exactly. */

/** Percentile bands of a resampling. */
export interface MonteCarloResult {
  runs: number;
  trades: number;
  seed: number;
  /** Percentile (5, 25, 50, 75, 95) → value. */
  totalReturn: Record<number, number>;
  maxDrawdown: Record<number, number>;
  /** Share of sequences that ended below the starting capital. */
  lossProbability: number;
}

export const BANDS = [5, 25, 50, 75, 95] as const;

/** mulberry32: a small, fast, seeded generator of floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The p-th percentile (0-100) of sorted values, linearly interpolated. */
export function percentile(sorted: Float64Array | readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const x = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(x);
  const hi = Math.ceil(x);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (x - lo);
}

/** Resample `pnls` (money per trade, in closing order) `runs` times. */
export function monteCarlo(pnls: readonly number[], startingCash: number, runs = 1000, seed = 42): MonteCarloResult {
  const n = pnls.length;
  const rnd = seededRandom(seed);
  const ret = new Float64Array(runs);
  const dd = new Float64Array(runs);
  let losses = 0;
  for (let r = 0; r < runs; r++) {
    let equity = startingCash;
    let peak = equity;
    let worst = 0;
    for (let k = 0; k < n; k++) {
      equity += pnls[Math.floor(rnd() * n)]!;
      if (equity > peak) peak = equity;
      else if (peak > 0) worst = Math.max(worst, 1 - equity / peak);
    }
    ret[r] = equity / startingCash - 1;
    dd[r] = worst;
    if (equity < startingCash) losses++;
  }
  ret.sort();
  dd.sort();
  const bands = (xs: Float64Array) => Object.fromEntries(BANDS.map((p) => [p, percentile(xs, p)])) as Record<number, number>;
  return { runs, trades: n, seed, totalReturn: bands(ret), maxDrawdown: bands(dd), lossProbability: runs > 0 ? losses / runs : 0 };
}
