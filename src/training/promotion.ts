/** The promotion gate: a candidate becomes the active model of its kind only when its out-of-sample rank IC
 * and its top-N mean forward return both beat the baseline's, on the same folds, by the configured margins.
 * The reason names the figures either way. */
import type { AppConfig } from '../config.js';

export interface GateFigures {
  ic: number;
  topN: number;
}

export function promotionDecision(candidate: GateFigures, baseline: GateFigures, margins: AppConfig['models']['promotion']): { promote: boolean; reason: string } {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : 'none');
  const p = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(3)} %` : 'none');
  const icOk = Number.isFinite(candidate.ic) && candidate.ic >= (Number.isFinite(baseline.ic) ? baseline.ic : 0) + margins.minIcGain;
  const topOk = Number.isFinite(candidate.topN) && candidate.topN >= (Number.isFinite(baseline.topN) ? baseline.topN : 0) + margins.minTopNGain;
  const figures = `rank IC ${f(candidate.ic)} vs baseline ${f(baseline.ic)} (needs +${margins.minIcGain}), top-N ${p(candidate.topN)} vs baseline ${p(baseline.topN)} (needs +${p(margins.minTopNGain)})`;
  if (icOk && topOk) return { promote: true, reason: `beat the baseline out of sample: ${figures}` };
  const failed = [icOk ? null : 'rank IC', topOk ? null : 'top-N return'].filter(Boolean).join(' and ');
  return { promote: false, reason: `${failed} did not beat the baseline by the margin: ${figures}` };
}
