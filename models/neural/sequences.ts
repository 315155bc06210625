/** Inputs of the sequence models, written straight into typed arrays: for a decision day d and symbol s,
 * a window of the symbol's bars ending at d (nothing after d is read).
 *
 * - `encodeBars` (LSTM): per day of the window, the close-to-close log return, the gap, the body and both
 *   wicks, each divided by the window's return standard deviation (scale-free across symbols and
 *   regimes, clipped to ±5), log volume minus its window mean, and two of the day's cross-sectional feature
 *   ranks (RSI 14 and ROC 20). Days without a bar are zeros.
 * - `encodeTokens` (K-line): each candle of the window becomes one token from its quantised body, upper and
 *   lower wick, gap (all in units of the window's mean true range) and volume bucket (against the window's
 *   mean volume): 5 × 3 × 3 × 3 × 3 = 405 tokens, plus 0 for a day without a bar. */
import { FEATURE_INDEX } from '../../src/market/features/feature-list.js';
import type { Panel } from '../panel.js';

/** Per-day inputs of the LSTM window. */
export const BAR_INPUTS = 8;
/** Tokens of the K-line vocabulary, the padding token 0 included. */
export const VOCABULARY = 5 * 3 * 3 * 3 * 3 + 1;

const RSI = FEATURE_INDEX.rsi14;
const ROC = FEATURE_INDEX.roc20;

const clip = (v: number, lim: number): number => (v > lim ? lim : v < -lim ? -lim : v);

/** Write the LSTM window of (d, s) into out[offset .. offset + steps * BAR_INPUTS). Returns false (and
 * writes nothing useful) when fewer than half of the window's days have a bar or d itself has none. */
export function encodeBars(p: Panel, d: number, s: number, steps: number, out: Float32Array, offset: number): boolean {
  const { S } = p;
  const { open, high, low, close, volume } = p.bars;
  const from = d - steps + 1;
  if (from < 1 || !p.live[d * S + s]) return false;
  // Window statistics: return standard deviation and mean log volume over the days with a bar.
  let n = 0;
  let sr = 0;
  let srr = 0;
  let slv = 0;
  for (let j = from; j <= d; j++) {
    const c = close[j * S + s]!;
    const pc = close[(j - 1) * S + s]!;
    const v = volume[j * S + s]!;
    if (!(c > 0 && pc > 0 && v > 0)) continue;
    const r = Math.log(c / pc);
    n++;
    sr += r;
    srr += r * r;
    slv += Math.log(v);
  }
  if (n < steps / 2) return false;
  const mean = sr / n;
  const sigma = Math.max(1e-4, Math.sqrt(Math.max(0, srr / n - mean * mean)));
  const meanLogVol = slv / n;
  const F = p.F;
  for (let j = from, k = offset; j <= d; j++, k += BAR_INPUTS) {
    const i = j * S + s;
    const c = close[i]!;
    const pc = close[i - S]!;
    const o = open[i]!;
    const h = high[i]!;
    const l = low[i]!;
    const v = volume[i]!;
    if (!(c > 0 && pc > 0 && o > 0 && h > 0 && l > 0 && v > 0)) {
      out.fill(0, k, k + BAR_INPUTS);
      continue;
    }
    const top = Math.max(o, c);
    const bottom = Math.min(o, c);
    out[k] = clip(Math.log(c / pc) / sigma, 5);
    out[k + 1] = clip(Math.log(o / pc) / sigma, 5);
    out[k + 2] = clip(Math.log(c / o) / sigma, 5);
    out[k + 3] = clip(Math.log(h / top) / sigma, 5);
    out[k + 4] = clip(Math.log(bottom / l) / sigma, 5);
    out[k + 5] = clip(Math.log(v) - meanLogVol, 4);
    out[k + 6] = F > RSI ? p.x[i * F + RSI]! : 0;
    out[k + 7] = F > ROC ? p.x[i * F + ROC]! : 0;
  }
  return true;
}

const bucket3 = (v: number, lo: number, hi: number): number => (v < lo ? 0 : v < hi ? 1 : 2);

/** The token of one candle given the previous close and the window's scales (0 when the bar is missing). */
export function candleToken(o: number, h: number, l: number, c: number, pc: number, v: number, range: number, meanVol: number): number {
  if (!(o > 0 && h > 0 && l > 0 && c > 0 && pc > 0 && v >= 0) || !(range > 0)) return 0;
  const b = (c - o) / range;
  const body = b < -1 ? 0 : b < -0.3 ? 1 : b <= 0.3 ? 2 : b <= 1 ? 3 : 4;
  const upper = bucket3((h - Math.max(o, c)) / range, 0.2, 0.6);
  const lower = bucket3((Math.min(o, c) - l) / range, 0.2, 0.6);
  const gap = bucket3((o - pc) / range, -0.3, 0.3);
  const vol = meanVol > 0 ? bucket3(v / meanVol, 0.7, 1.4) : 1;
  return 1 + (((body * 3 + upper) * 3 + lower) * 3 + gap) * 3 + vol;
}

/** Write the token window of (d, s) into out[offset .. offset + steps). Same validity rule as `encodeBars`. */
export function encodeTokens(p: Panel, d: number, s: number, steps: number, out: Int32Array, offset: number): boolean {
  const { S } = p;
  const { open, high, low, close, volume } = p.bars;
  const from = d - steps + 1;
  if (from < 1 || !p.live[d * S + s]) return false;
  let n = 0;
  let sumRange = 0;
  let sumVol = 0;
  for (let j = from; j <= d; j++) {
    const i = j * S + s;
    const pc = close[i - S]!;
    const h = high[i]!;
    const l = low[i]!;
    if (!(h > 0 && l > 0 && pc > 0 && volume[i]! >= 0)) continue;
    n++;
    sumRange += Math.max(h, pc) - Math.min(l, pc);
    sumVol += volume[i]!;
  }
  if (n < steps / 2) return false;
  const range = sumRange / n;
  const meanVol = sumVol / n;
  for (let j = from, k = offset; j <= d; j++, k++) {
    const i = j * S + s;
    out[k] = candleToken(open[i]!, high[i]!, low[i]!, close[i]!, close[i - S]!, volume[i]!, range, meanVol);
  }
  return true;
}
