/** Every stored feature of one symbol, one bar at a time, from rolling state kept in one Float64Array.
 *
 * `stepFeatures` takes the state and one bar and writes the bar's 53 values (NaN = no value yet); it
 * allocates nothing. A full pass is `stepFeatures` over every bar from a fresh state; the daily path restores
 * the state saved after the last stored day and steps the new bars only, so incremental values are the full
 * recomputation's to the bit (same code, same order of operations).
 *
 * Definitions follow `technicalindicators` (the reference the unit tests compare with): SMA by running sums;
 * EMA seeded with the SMA of its first `p` values; RSI, ATR and ADX with Wilder's smoothing seeded the same
 * way; MACD 12/26/9 on EMAs; Stochastic 14/3; Williams %R 14; CCI 20; MFI 14 (money flow from the third bar,
 * as the reference does); Bollinger 20/2 with the population deviation; Keltner EMA 20 ± 2 × ATR 10.
 * Where the reference rounds (RSI and MFI to two decimals) this keeps full precision. Two deliberate
 * differences: a DX whose directional indicators are both 0 counts as 0 (the reference's NaN would poison
 * ADX for the rest of the series), and ROC is computed as a fraction directly. */
import { FEATURE_INDEX as K } from './feature-list.js';

// Output positions as plain constants (a property load per feature per bar showed up in profiles).
const O_sma5 = K.sma5;
const O_sma10 = K.sma10;
const O_sma20 = K.sma20;
const O_sma50 = K.sma50;
const O_sma100 = K.sma100;
const O_sma200 = K.sma200;
const O_roc5 = K.roc5;
const O_roc10 = K.roc10;
const O_roc20 = K.roc20;
const O_roc63 = K.roc63;
const O_roc126 = K.roc126;
const O_roc252 = K.roc252;
const O_ema5 = K.ema5;
const O_ema10 = K.ema10;
const O_ema12 = K.ema12;
const O_ema20 = K.ema20;
const O_ema26 = K.ema26;
const O_ema50 = K.ema50;
const O_ema100 = K.ema100;
const O_ema200 = K.ema200;
const O_macd = K.macd;
const O_macdSignal = K.macdSignal;
const O_macdHist = K.macdHist;
const O_atr14 = K.atr14;
const O_atrPct = K.atrPct;
const O_adx14 = K.adx14;
const O_plusDi14 = K.plusDi14;
const O_minusDi14 = K.minusDi14;
const O_rsi7 = K.rsi7;
const O_rsi14 = K.rsi14;
const O_rsi21 = K.rsi21;
const O_stochK = K.stochK;
const O_stochD = K.stochD;
const O_williamsR14 = K.williamsR14;
const O_cci20 = K.cci20;
const O_mfi14 = K.mfi14;
const O_bbUpper = K.bbUpper;
const O_bbMiddle = K.bbMiddle;
const O_bbLower = K.bbLower;
const O_bbPercentB = K.bbPercentB;
const O_bbWidth = K.bbWidth;
const O_kcUpper = K.kcUpper;
const O_kcMiddle = K.kcMiddle;
const O_kcLower = K.kcLower;
const O_volatility20 = K.volatility20;
const O_obv = K.obv;
const O_vwap20 = K.vwap20;
const O_volumeSma20 = K.volumeSma20;
const O_relVolume = K.relVolume;
const O_doji = K.doji;
const O_hammer = K.hammer;
const O_bullishEngulfing = K.bullishEngulfing;
const O_bearishEngulfing = K.bearishEngulfing;

// ---- state layout: scalar slots, then rings (power-of-two lengths, indexed by bar number & mask) ----
let next = 0;
const slot = (): number => next++;
const ring = (length: number): number => {
  const at = next;
  next += length;
  return at;
};

const VERSION = slot(); // layout version, checked on restore
const N = slot(); // bars seen
const SUM5 = slot(), SUM10 = slot(), SUM20 = slot(), SUM50 = slot(), SUM100 = slot(), SUM200 = slot();
const EMA5 = slot(), EMA10 = slot(), EMA12 = slot(), EMA20 = slot(), EMA26 = slot(), EMA50 = slot(), EMA100 = slot(), EMA200 = slot();
const SIG_SUM = slot(), SIG = slot();
const G7 = slot(), L7 = slot(), G14 = slot(), L14 = slot(), G21 = slot(), L21 = slot(); // gain/loss sums, then averages
const K_SUM = slot();
const TR14 = slot(), ATR14 = slot(), TR10 = slot(), ATR10 = slot();
const S_TR = slot(), S_PDM = slot(), S_MDM = slot(), DX_SUM = slot(), ADX = slot();
const TP_SUM = slot();
const OBV = slot(), PV_SUM = slot(), V_SUM = slot();
const R_SUM = slot(), R_SQ = slot(), POS_SUM = slot(), NEG_SUM = slot();
const PREV_OPEN = slot();

const CMASK = 255;
const CLOSE = ring(256); // closes: SMA 200, ROC 252
const SMASK = 31;
const HIGH = ring(32), LOW = ring(32), VOL = ring(32), TP = ring(32), RET = ring(32), KRING = ring(32), POS = ring(32), NEG = ring(32);

/** Length of a state array. */
export const STATE_LENGTH = next;
/** Layout version: a saved state of another version is ignored and the symbol recomputed in full. */
export const STATE_VERSION = 2;

/** A fresh state, before any bar. */
export function newFeatureState(): Float64Array {
  const st = new Float64Array(STATE_LENGTH);
  st[VERSION] = STATE_VERSION;
  st[ADX] = Number.NaN;
  return st;
}

/** Whether `st` is a state this code can continue from. */
export function isUsableState(st: Float64Array): boolean {
  return st.length === STATE_LENGTH && st[VERSION] === STATE_VERSION;
}

/** Bars already stepped into a state. */
export function barsSeen(st: Float64Array): number {
  return st[N]!;
}

const EMA_K5 = 2 / 6, EMA_K10 = 2 / 11, EMA_K12 = 2 / 13, EMA_K20 = 2 / 21, EMA_K26 = 2 / 27, EMA_K50 = 2 / 51, EMA_K100 = 2 / 101, EMA_K200 = 2 / 201;

/** SMA by running sum, as the reference keeps it: returns the new sum; the value is sum / p from bar p-1. */
function runSum(st: Float64Array, at: number, i: number, p: number, close: number): number {
  const s = i >= p ? st[at]! - st[CLOSE + ((i - p) & CMASK)]! + close : st[at]! + close;
  st[at] = s;
  return i >= p - 1 ? s / p : Number.NaN;
}

/** EMA seeded with the mean of its first p closes (summed oldest first), then (x - e) · k + e. */
function runEma(st: Float64Array, at: number, i: number, p: number, k: number, close: number): number {
  if (i < p - 1) return Number.NaN;
  if (i === p - 1) {
    let s = 0;
    for (let j = 0; j < p; j++) s += st[CLOSE + j]!;
    st[at] = s / p;
  } else {
    st[at] = (close - st[at]!) * k + st[at]!;
  }
  return st[at]!;
}

/** Wilder RSI: gain and loss sums over the first p changes, then (avg · (p-1) + x) / p. */
function runRsi(st: Float64Array, g: number, l: number, i: number, p: number, change: number): number {
  if (i < 1) return Number.NaN;
  const gain = change > 0 ? change : 0;
  const loss = change < 0 ? -change : 0;
  if (i < p) {
    st[g] = st[g]! + gain;
    st[l] = st[l]! + loss;
    return Number.NaN;
  }
  if (i === p) {
    st[g] = (st[g]! + gain) / p;
    st[l] = (st[l]! + loss) / p;
  } else {
    st[g] = (st[g]! * (p - 1) + gain) / p;
    st[l] = (st[l]! * (p - 1) + loss) / p;
  }
  const ag = st[g]!;
  const al = st[l]!;
  if (al === 0) return 100;
  if (ag === 0) return 0;
  return 100 - 100 / (1 + ag / al);
}

/** Wilder's average true range: mean of the first p true ranges (from the second bar), then (x - a) / p + a. */
function runAtr(st: Float64Array, sum: number, avg: number, i: number, p: number, tr: number): number {
  if (i < 1) return Number.NaN;
  if (i < p) {
    st[sum] = st[sum]! + tr;
    return Number.NaN;
  }
  if (i === p) st[avg] = (st[sum]! + tr) / p;
  else st[avg] = (tr - st[avg]!) * (1 / p) + st[avg]!;
  return st[avg]!;
}

/** Change of the close over p bars, as a fraction (bar i-p is still in the ring: p <= 252 < 256). */
function roc(st: Float64Array, i: number, p: number, close: number): number {
  if (i < p) return Number.NaN;
  const old = st[CLOSE + ((i - p) & CMASK)]!;
  return (close - old) / old;
}

/** Typical price of bar j (within the last 32 bars). */
function tpOf(st: Float64Array, j: number): number {
  return st[TP + (j & SMASK)]!;
}

/** Step one bar into `st` and write its features to `out[o + f * stride]` for f in FEATURES order. */
export function stepFeatures(
  st: Float64Array, open: number, high: number, low: number, close: number, volume: number,
  out: Float64Array, o: number, stride: number,
): void {
  const i = st[N]!;
  const NaN_ = Number.NaN;
  const pc = i > 0 ? st[CLOSE + ((i - 1) & CMASK)]! : NaN_;
  const ph = i > 0 ? st[HIGH + ((i - 1) & SMASK)]! : NaN_;
  const pl = i > 0 ? st[LOW + ((i - 1) & SMASK)]! : NaN_;
  const po = st[PREV_OPEN]!;

  // --- SMA (the leaving close of window p is bar i-p, still in the ring) ---
  out[o + O_sma5 * stride] = runSum(st, SUM5, i, 5, close);
  out[o + O_sma10 * stride] = runSum(st, SUM10, i, 10, close);
  const sma20 = runSum(st, SUM20, i, 20, close);
  out[o + O_sma20 * stride] = sma20;
  out[o + O_sma50 * stride] = runSum(st, SUM50, i, 50, close);
  out[o + O_sma100 * stride] = runSum(st, SUM100, i, 100, close);
  out[o + O_sma200 * stride] = runSum(st, SUM200, i, 200, close);

  // ROC reads bar i-p before the ring slot of bar i is written (252 < 256, so it is still there)
  out[o + O_roc5 * stride] = roc(st, i, 5, close);
  out[o + O_roc10 * stride] = roc(st, i, 10, close);
  out[o + O_roc20 * stride] = roc(st, i, 20, close);
  out[o + O_roc63 * stride] = roc(st, i, 63, close);
  out[o + O_roc126 * stride] = roc(st, i, 126, close);
  out[o + O_roc252 * stride] = roc(st, i, 252, close);

  st[CLOSE + (i & CMASK)] = close;
  const si = i & SMASK;
  st[HIGH + si] = high;
  st[LOW + si] = low;
  st[VOL + si] = volume;

  // --- EMA and MACD ---
  out[o + O_ema5 * stride] = runEma(st, EMA5, i, 5, EMA_K5, close);
  out[o + O_ema10 * stride] = runEma(st, EMA10, i, 10, EMA_K10, close);
  const e12 = runEma(st, EMA12, i, 12, EMA_K12, close);
  out[o + O_ema12 * stride] = e12;
  const e20 = runEma(st, EMA20, i, 20, EMA_K20, close);
  out[o + O_ema20 * stride] = e20;
  const e26 = runEma(st, EMA26, i, 26, EMA_K26, close);
  out[o + O_ema26 * stride] = e26;
  out[o + O_ema50 * stride] = runEma(st, EMA50, i, 50, EMA_K50, close);
  out[o + O_ema100 * stride] = runEma(st, EMA100, i, 100, EMA_K100, close);
  out[o + O_ema200 * stride] = runEma(st, EMA200, i, 200, EMA_K200, close);
  let macd = NaN_, sig = NaN_;
  if (i >= 25) {
    macd = e12 - e26;
    if (i < 33) {
      st[SIG_SUM] = st[SIG_SUM]! + macd;
    } else if (i === 33) {
      st[SIG] = (st[SIG_SUM]! + macd) / 9;
      sig = st[SIG]!;
    } else {
      st[SIG] = (macd - st[SIG]!) * 0.2 + st[SIG]!;
      sig = st[SIG]!;
    }
  }
  out[o + O_macd * stride] = macd;
  out[o + O_macdSignal * stride] = sig;
  out[o + O_macdHist * stride] = macd - sig;

  // --- true range, ATR 14 and 10, ADX 14 ---
  let tr = NaN_, pdm = 0, mdm = 0;
  if (i >= 1) {
    tr = Math.max(high - low, Math.abs(high - pc), Math.abs(low - pc));
    const up = high - ph;
    const down = pl - low;
    pdm = up > down && up > 0 ? up : 0;
    mdm = down > up && down > 0 ? down : 0;
  }
  const atr14 = runAtr(st, TR14, ATR14, i, 14, tr);
  const atr10 = runAtr(st, TR10, ATR10, i, 10, tr);
  out[o + O_atr14 * stride] = atr14;
  out[o + O_atrPct * stride] = atr14 / close;
  let adx = NaN_, pdi = NaN_, mdi = NaN_;
  if (i >= 1) {
    if (i < 14) {
      st[S_TR] = st[S_TR]! + tr;
      st[S_PDM] = st[S_PDM]! + pdm;
      st[S_MDM] = st[S_MDM]! + mdm;
    } else {
      if (i === 14) {
        st[S_TR] = st[S_TR]! + tr;
        st[S_PDM] = st[S_PDM]! + pdm;
        st[S_MDM] = st[S_MDM]! + mdm;
      } else {
        st[S_TR] = st[S_TR]! - st[S_TR]! / 14 + tr;
        st[S_PDM] = st[S_PDM]! - st[S_PDM]! / 14 + pdm;
        st[S_MDM] = st[S_MDM]! - st[S_MDM]! / 14 + mdm;
      }
      const p = (st[S_PDM]! * 100) / st[S_TR]!;
      const m = (st[S_MDM]! * 100) / st[S_TR]!;
      const sum = p + m;
      const dx = sum > 0 ? (Math.abs(p - m) / sum) * 100 : 0;
      if (i < 27) {
        st[DX_SUM] = st[DX_SUM]! + dx;
      } else {
        if (i === 27) st[ADX] = (st[DX_SUM]! + dx) / 14;
        else st[ADX] = (dx - st[ADX]!) * (1 / 14) + st[ADX]!;
        adx = st[ADX]!;
        pdi = p;
        mdi = m;
      }
    }
  }
  out[o + O_adx14 * stride] = adx;
  out[o + O_plusDi14 * stride] = pdi;
  out[o + O_minusDi14 * stride] = mdi;

  // --- RSI ---
  const change = close - pc;
  out[o + O_rsi7 * stride] = runRsi(st, G7, L7, i, 7, change);
  out[o + O_rsi14 * stride] = runRsi(st, G14, L14, i, 14, change);
  out[o + O_rsi21 * stride] = runRsi(st, G21, L21, i, 21, change);

  // --- Stochastic 14/3 and Williams %R 14 over the highest high and lowest low of 14 bars ---
  let k = NaN_, d = NaN_, wr = NaN_;
  if (i >= 13) {
    let hh = -Infinity, ll = Infinity;
    for (let j = i - 13; j <= i; j++) {
      const h = st[HIGH + (j & SMASK)]!;
      const l = st[LOW + (j & SMASK)]!;
      if (h > hh) hh = h;
      if (l < ll) ll = l;
    }
    k = ((close - ll) / (hh - ll)) * 100;
    if (Number.isNaN(k)) k = 0;
    wr = ((hh - close) / (hh - ll)) * -100;
    const n = i - 13; // index of this %K
    st[K_SUM] = n >= 3 ? st[K_SUM]! - st[KRING + ((n - 3) & SMASK)]! + k : st[K_SUM]! + k;
    st[KRING + (n & SMASK)] = k;
    if (n >= 2) d = st[K_SUM]! / 3;
  }
  out[o + O_stochK * stride] = k;
  out[o + O_stochD * stride] = d;
  out[o + O_williamsR14 * stride] = wr;

  // --- CCI 20 on the typical price ---
  const tp = (high + low + close) / 3;
  st[TP + si] = tp;
  st[TP_SUM] = i >= 20 ? st[TP_SUM]! - tpOf(st, i - 20) + tp : st[TP_SUM]! + tp;
  let cci = NaN_;
  if (i >= 19) {
    const mean = st[TP_SUM]! / 20;
    let dev = 0;
    for (let j = i - 19; j <= i; j++) dev += Math.abs(tpOf(st, j) - mean);
    cci = (tp - mean) / (0.015 * (dev / 20));
  }
  out[o + O_cci20 * stride] = cci;

  // --- MFI 14: flows from the third bar (the reference skips the first bar's typical price) ---
  let mfi = NaN_;
  if (i >= 2) {
    const raw = tp * volume;
    const up = tp > tpOf(st, i - 1);
    const f = i - 2; // index of this flow
    if (f >= 14) {
      st[POS_SUM] = st[POS_SUM]! - st[POS + ((f - 14) & SMASK)]!;
      st[NEG_SUM] = st[NEG_SUM]! - st[NEG + ((f - 14) & SMASK)]!;
    }
    st[POS + (f & SMASK)] = up ? raw : 0;
    st[NEG + (f & SMASK)] = up ? 0 : raw;
    st[POS_SUM] = st[POS_SUM]! + (up ? raw : 0);
    st[NEG_SUM] = st[NEG_SUM]! + (up ? 0 : raw);
    if (f >= 13) mfi = 100 - 100 / (1 + st[POS_SUM]! / st[NEG_SUM]!);
  }
  out[o + O_mfi14 * stride] = mfi;

  // --- Bollinger 20/2, Keltner 20/10/2 ---
  let bbU = NaN_, bbL = NaN_, pb = NaN_, width = NaN_;
  if (i >= 19) {
    let sq = 0;
    for (let j = i - 19; j <= i; j++) {
      const x = st[CLOSE + (j & CMASK)]! - sma20;
      sq += x * x;
    }
    const sd = Math.sqrt(sq / 20);
    bbU = sma20 + sd * 2;
    bbL = sma20 - sd * 2;
    pb = (close - bbL) / (bbU - bbL);
    width = (bbU - bbL) / sma20;
  }
  out[o + O_bbUpper * stride] = bbU;
  out[o + O_bbMiddle * stride] = sma20;
  out[o + O_bbLower * stride] = bbL;
  out[o + O_bbPercentB * stride] = pb;
  out[o + O_bbWidth * stride] = width;
  const kcOk = i >= 19;
  out[o + O_kcUpper * stride] = kcOk ? e20 + 2 * atr10 : NaN_;
  out[o + O_kcMiddle * stride] = kcOk ? e20 : NaN_;
  out[o + O_kcLower * stride] = kcOk ? e20 - 2 * atr10 : NaN_;

  // --- annualised volatility of 20 daily log returns ---
  let vol20 = NaN_;
  if (i >= 1) {
    const r = Math.log(close / pc);
    if (i >= 21) {
      const gone = st[RET + ((i - 20) & SMASK)]!;
      st[R_SUM] = st[R_SUM]! - gone;
      st[R_SQ] = st[R_SQ]! - gone * gone;
    }
    st[RET + si] = r;
    st[R_SUM] = st[R_SUM]! + r;
    st[R_SQ] = st[R_SQ]! + r * r;
    if (i >= 20) {
      const mean = st[R_SUM]! / 20;
      vol20 = Math.sqrt(Math.max(0, st[R_SQ]! / 20 - mean * mean) * 252);
    }
  }
  out[o + O_volatility20 * stride] = vol20;

  // --- volume: OBV, rolling VWAP 20, volume SMA 20, relative volume ---
  if (i >= 1) {
    if (close > pc) st[OBV] = st[OBV]! + volume;
    else if (close < pc) st[OBV] = st[OBV]! - volume;
  }
  out[o + O_obv * stride] = i >= 1 ? st[OBV]! : NaN_;
  st[PV_SUM] = st[PV_SUM]! + tp * volume;
  st[V_SUM] = st[V_SUM]! + volume;
  if (i >= 20) {
    const j = i - 20;
    const v = st[VOL + (j & SMASK)]!;
    st[PV_SUM] = st[PV_SUM]! - tpOf(st, j) * v;
    st[V_SUM] = st[V_SUM]! - v;
  }
  const vOk = i >= 19;
  const vSum = st[V_SUM]!;
  out[o + O_vwap20 * stride] = vOk && vSum > 0 ? st[PV_SUM]! / vSum : NaN_;
  const vSma = vOk ? vSum / 20 : NaN_;
  out[o + O_volumeSma20 * stride] = vSma;
  out[o + O_relVolume * stride] = vSma ? volume / vSma : NaN_;

  // --- candle patterns ---
  const range = high - low;
  const body = Math.abs(close - open);
  const lowerShadow = Math.min(open, close) - low;
  const upperShadow = high - Math.max(open, close);
  out[o + O_doji * stride] = range > 0 && body <= 0.1 * range ? 1 : 0;
  out[o + O_hammer * stride] = range > 0 && body > 0 && lowerShadow >= 2 * body && upperShadow <= 0.3 * body ? 1 : 0;
  if (i >= 1) {
    out[o + O_bullishEngulfing * stride] = pc < po && close > open && open <= pc && close >= po ? 1 : 0;
    out[o + O_bearishEngulfing * stride] = pc > po && close < open && open >= pc && close <= po ? 1 : 0;
  } else {
    out[o + O_bullishEngulfing * stride] = NaN_;
    out[o + O_bearishEngulfing * stride] = NaN_;
  }
  st[PREV_OPEN] = open;
  st[N] = i + 1;
}
