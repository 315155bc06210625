/** The modelling panel: for every decision day t and symbol s, the features known at t's close and the
 * forward return a trade decided then would earn, from the next open over H trading days.
 *
 * - Features are the research core's 53, each turned into its cross-sectional rank on day t, scaled to
 *   [-0.5, 0.5] (0 when the symbol has no value): scale-free, so one model serves every price level, and
 *   computed only from values of day t.
 * - The label of (t, s) is open[t+1+H] / open[t+1] - 1 (NaN when either bar is missing); the target is its
 *   cross-sectional rank on day t. The label is known only at day `labelEnd(t) = t + 1 + H`, which the
 *   folds use to purge training rows whose label overlaps a test span.
 * Computation over arrays only; it never touches the database. */
import type { MarketMatrix } from '../src/backtest/market-matrix.js';
import { FEATURE_COUNT } from '../src/market/indicators.js';

export interface Panel {
  /** Days, symbols, features. */
  D: number;
  S: number;
  F: number;
  horizon: number;
  /** Ranked features, day-major: [(d * S + s) * F + f]. */
  x: Float32Array;
  /** Forward return of (d, s); NaN when unknown. */
  fwd: Float64Array;
  /** Cross-sectional rank of fwd on day d in [-0.5, 0.5]; NaN when fwd is NaN. */
  target: Float32Array;
  /** 1 when the symbol has a bar on day d (it could be traded on the next open). */
  live: Uint8Array;
  /** The market's bars, day-major [d * S + s] (NaN where none), for the sequence models' windows. */
  bars: Pick<MarketMatrix, 'open' | 'high' | 'low' | 'close' | 'volume'>;
}

/** The day a label of decision day `d` becomes known. */
export const labelEnd = (d: number, horizon: number): number => d + 1 + horizon;

/** The first index of sorted[0..n) holding a value >= v (n when none). */
export function lowerBound(sorted: Float64Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Rank `values` (NaN skipped) into `out` at the same positions, scaled to [-0.5, 0.5]; ties share the
 * mean rank; NaN stays NaN. `scratch` holds a copy for sorting (length >= values.length). */
export function crossRank(values: Float64Array, out: Float32Array | Float64Array, scratch: Float64Array): void {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) scratch[n++] = values[i]!;
  const sorted = scratch.subarray(0, n).sort();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) {
      out[i] = Number.NaN;
      continue;
    }
    if (n === 1) {
      out[i] = 0;
      continue;
    }
    // Lower and upper bound of v in the sorted values: ties get the mean of their ranks.
    const lo = lowerBound(sorted, n, v);
    let up = lo;
    let top = n;
    while (up < top) {
      const mid = (up + top) >>> 1;
      if (sorted[mid]! <= v) up = mid + 1;
      else top = mid;
    }
    out[i] = ((lo + up - 1) / 2) / (n - 1) - 0.5;
  }
}

/** Days before a span that scoring it reads: twice the longest window a family looks back over (the LSTM's
 * 60 days); the trees read only the decision day. */
export const SCORING_LOOKBACK = 128;

/** Build the panel of a market matrix for a horizon of H trading days; days before `firstDay` get no ranked
 * features or labels (scoring a span needs only `SCORING_LOOKBACK` days before it: each day is ranked on its
 * own, so the days computed equal a full build's). */
export function buildPanel(m: MarketMatrix, horizon: number, firstDay = 0): Panel {
  const D = m.days.length;
  const S = m.symbols.length;
  const F = FEATURE_COUNT;
  const x = new Float32Array(D * S * F);
  const fwd = new Float64Array(D * S).fill(Number.NaN);
  const target = new Float32Array(D * S).fill(Number.NaN);
  const live = new Uint8Array(D * S);
  const col = new Float64Array(S);
  const ranked = new Float64Array(S);
  const scratch = new Float64Array(S);
  for (let d = 0; d < D; d++) {
    const row = d * S;
    for (let s = 0; s < S; s++) live[row + s] = Number.isNaN(m.close[row + s]!) ? 0 : 1;
    if (d < firstDay) continue;
    for (let f = 0; f < F; f++) {
      for (let s = 0; s < S; s++) {
        const v = m.features[(row + s) * F + f]!;
        col[s] = live[row + s] && Number.isFinite(v) ? v : Number.NaN;
      }
      crossRank(col, ranked, scratch);
      for (let s = 0; s < S; s++) {
        const r = ranked[s]!;
        x[(row + s) * F + f] = Number.isNaN(r) ? 0 : r;
      }
    }
    const end = labelEnd(d, horizon);
    if (end < D) {
      for (let s = 0; s < S; s++) {
        const a = m.open[(d + 1) * S + s]!;
        const b = m.open[end * S + s]!;
        col[s] = live[row + s] && a > 0 && b > 0 ? b / a - 1 : Number.NaN;
        fwd[row + s] = col[s]!;
      }
      crossRank(col, ranked, scratch);
      for (let s = 0; s < S; s++) target[row + s] = ranked[s]!;
    }
  }
  return { D, S, F, horizon, x, fwd, target, live, bars: { open: m.open, high: m.high, low: m.low, close: m.close, volume: m.volume } };
}
