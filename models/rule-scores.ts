/** The live picks rule (momentum with a trend filter) as scores, so it is evaluated in the same table as the
 * models: a qualifying symbol scores the rule's own score (its blend of percentile ranks among that day's
 * qualifiers, in [0, 1]); one that does not qualify scores -1. The day's top N scores are the rule's picks. */
import type { MarketMatrix } from '../src/backtest/market-matrix.js';
import { marketCaps, scanQualifiers } from '../src/backtest/signal-scan.js';
import type { ProfileConfig } from '../src/config.js';
import { FEATURE_COUNT, FEATURE_INDEX } from '../src/market/indicators.js';
import { ruleScore } from '../src/picks/momentum.strategy.js';
import { lowerBound } from './panel.js';

/** Percentile ranks in [0, 1] of values[0..n), ties sharing the lower rank, as the rule ranks them. */
function lowerPercentiles(values: Float64Array, n: number, out: Float64Array, sorted: Float64Array): void {
  sorted.set(values.subarray(0, n));
  const s = sorted.subarray(0, n).sort();
  for (let i = 0; i < n; i++) {
    if (n <= 1) {
      out[i] = 1;
      continue;
    }
    out[i] = lowerBound(s, n, values[i]!) / (n - 1);
  }
}

export function momentumRuleScores(m: MarketMatrix, p: ProfileConfig): Float64Array {
  const D = m.days.length;
  const S = m.symbols.length;
  const F = FEATURE_COUNT;
  const q = new Uint8Array(D * S);
  scanQualifiers(m, p, marketCaps(m), q);
  const out = new Float64Array(D * S).fill(Number.NaN);
  const v63 = new Float64Array(S);
  const v20 = new Float64Array(S);
  const vh = new Float64Array(S);
  const p63 = new Float64Array(S);
  const p20 = new Float64Array(S);
  const ph = new Float64Array(S);
  const sorted = new Float64Array(S);
  const who = new Int32Array(S);
  for (let d = 0; d < D; d++) {
    let n = 0;
    for (let s = 0; s < S; s++) {
      const at = d * S + s;
      if (Number.isNaN(m.close[at]!)) continue;
      out[at] = -1;
      if (!q[at]) continue;
      const b = at * F;
      v63[n] = m.features[b + FEATURE_INDEX.roc63]!;
      v20[n] = m.features[b + FEATURE_INDEX.roc20]!;
      vh[n] = m.features[b + FEATURE_INDEX.macdHist]! / m.close[at]!;
      who[n++] = s;
    }
    lowerPercentiles(v63, n, p63, sorted);
    lowerPercentiles(v20, n, p20, sorted);
    lowerPercentiles(vh, n, ph, sorted);
    for (let i = 0; i < n; i++) out[d * S + who[i]!] = ruleScore(p63[i]!, p20[i]!, ph[i]!);
  }
  return out;
}
