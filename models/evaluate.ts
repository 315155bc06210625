/** Out-of-sample figures of a model's scores on a span of decision days, against the panel's forward
 * returns: each day's rank IC (Spearman correlation of score and forward return across the symbols that
 * have both), its mean and t-statistic over the days, the hit rate (share of the top decile's picks that
 * beat the day's median forward return) and the top-minus-bottom decile spread of forward returns. */
import { crossRank, type Panel } from './panel.js';

export interface Evaluation {
  days: number;
  /** Mean daily rank IC. */
  ic: number;
  /** t-statistic of the mean daily IC (mean / standard error). */
  icT: number;
  hitRate: number;
  /** Mean over days of (top-decile mean forward return - bottom-decile mean forward return). */
  decileSpread: number;
  /** Mean over days of the mean forward return of the N best scores (the promotion gate's portfolio). */
  topN: number;
}

/** Pearson correlation of two equal-length arrays (NaN when either has no spread). */
function correlation(a: Float64Array, b: Float64Array, n: number): number {
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    sa += a[i]!;
    sb += b[i]!;
  }
  const ma = sa / n;
  const mb = sb / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    cov += x * y;
    va += x * x;
    vb += y * y;
  }
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : Number.NaN;
}

/** Evaluate `score` (day-major D*S, NaN where the model has none) on decision days [from, to]. */
export function evaluateScores(p: Panel, score: Float64Array, from: number, to: number, nBest = 10): Evaluation {
  const S = p.S;
  const sc = new Float64Array(S);
  const fw = new Float64Array(S);
  const rs = new Float64Array(S);
  const rf = new Float64Array(S);
  const scratch = new Float64Array(S);
  const order = new Float64Array(S);
  const ics: number[] = [];
  let hits = 0;
  let picks = 0;
  let spreadSum = 0;
  let spreadDays = 0;
  let topSum = 0;
  for (let d = from; d <= to; d++) {
    let n = 0;
    for (let s = 0; s < S; s++) {
      const a = score[d * S + s]!;
      const b = p.fwd[d * S + s]!;
      if (Number.isNaN(a) || Number.isNaN(b)) continue;
      sc[n] = a;
      fw[n] = b;
      n++;
    }
    if (n < 10) continue;
    crossRank(sc.subarray(0, n), rs, scratch);
    crossRank(fw.subarray(0, n), rf, scratch);
    const ic = correlation(rs, rf, n);
    if (!Number.isNaN(ic)) ics.push(ic);
    // Deciles by score rank: top tenth and bottom tenth of the day's symbols.
    const k = Math.max(1, Math.floor(n / 10));
    for (let i = 0; i < n; i++) order[i] = rs[i]!;
    const sorted = order.subarray(0, n).sort();
    const hiCut = sorted[n - k]!;
    const loCut = sorted[k - 1]!;
    const fwSorted = scratch.subarray(0, n);
    fwSorted.set(fw.subarray(0, n));
    fwSorted.sort();
    const median = n % 2 ? fwSorted[(n - 1) / 2]! : (fwSorted[n / 2 - 1]! + fwSorted[n / 2]!) / 2;
    // Mean forward return of the symbols whose score rank is at or above `cut` (ties at the cut all count).
    const meanAtOrAbove = (cut: number): number => {
      let sum = 0;
      let count = 0;
      for (let i = 0; i < n; i++) {
        if (rs[i]! < cut) continue;
        sum += fw[i]!;
        count++;
      }
      return sum / count;
    };
    let bottom = 0;
    let bottomN = 0;
    for (let i = 0; i < n; i++) {
      if (rs[i]! >= hiCut) {
        picks++;
        if (fw[i]! > median) hits++;
      }
      if (rs[i]! <= loCut) {
        bottom += fw[i]!;
        bottomN++;
      }
    }
    spreadSum += meanAtOrAbove(hiCut) - bottom / bottomN;
    spreadDays++;
    // The N best scores of the day.
    topSum += meanAtOrAbove(sorted[Math.max(0, n - Math.min(nBest, n))]!);
  }
  const mean = ics.length ? ics.reduce((a, b) => a + b, 0) / ics.length : Number.NaN;
  const sd = ics.length > 1 ? Math.sqrt(ics.reduce((a, b) => a + (b - mean) ** 2, 0) / (ics.length - 1)) : Number.NaN;
  return {
    days: ics.length, ic: mean, icT: sd > 0 ? mean / (sd / Math.sqrt(ics.length)) : Number.NaN,
    hitRate: picks ? hits / picks : Number.NaN, decileSpread: spreadDays ? spreadSum / spreadDays : Number.NaN,
    topN: spreadDays ? topSum / spreadDays : Number.NaN,
  };
}
