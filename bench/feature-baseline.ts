/** The bare baseline for the feature kernel: the same 53 features as plain Float64Array loops, one tight
 * loop per indicator over whole columns, with no state kept between calls and no incremental path. This is
 * the speed the kernel is measured against (the bar: at least 50 % of it). Not used by Tiller. */
import { FEATURE_COUNT, FEATURE_INDEX, type FeatureName } from '../src/market/indicators.js';
import type { BarColumns } from '../src/market/indicators.js';

export function baselineFeatures(b: BarColumns): Float64Array {
  const n = b.days.length;
  const out = new Float64Array(FEATURE_COUNT * n).fill(Number.NaN);
  const col = (f: FeatureName) => out.subarray(FEATURE_INDEX[f] * n, FEATURE_INDEX[f] * n + n);
  const { open, high, low, close, volume } = b;
  const sma = (src: Float64Array, p: number, dst: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      s += src[i]!;
      if (i >= p) s -= src[i - p]!;
      if (i >= p - 1) dst[i] = s / p;
    }
  };
  const ema = (src: Float64Array, from: number, p: number, dst: Float64Array) => {
    const k = 2 / (p + 1);
    let s = 0;
    for (let i = from; i < n; i++) {
      if (i < from + p - 1) s += src[i]!;
      else if (i === from + p - 1) dst[i] = (s + src[i]!) / p;
      else dst[i] = (src[i]! - dst[i - 1]!) * k + dst[i - 1]!;
    }
  };
  for (const p of [5, 10, 20, 50, 100, 200] as const) sma(close, p, col(`sma${p}`));
  for (const p of [5, 10, 12, 20, 26, 50, 100, 200] as const) ema(close, 0, p, col(`ema${p}`));
  const macd = col('macd'), e12 = col('ema12'), e26 = col('ema26');
  for (let i = 25; i < n; i++) macd[i] = e12[i]! - e26[i]!;
  ema(macd, 25, 9, col('macdSignal'));
  const sig = col('macdSignal'), hist = col('macdHist');
  for (let i = 0; i < n; i++) hist[i] = macd[i]! - sig[i]!;
  const tr = new Float64Array(n);
  for (let i = 1; i < n; i++) tr[i] = Math.max(high[i]! - low[i]!, Math.abs(high[i]! - close[i - 1]!), Math.abs(low[i]! - close[i - 1]!));
  const wilder = (src: Float64Array, p: number, dst: Float64Array) => {
    let s = 0;
    for (let i = 1; i < n; i++) {
      if (i < p) s += src[i]!;
      else if (i === p) dst[i] = (s + src[i]!) / p;
      else dst[i] = (src[i]! - dst[i - 1]!) / p + dst[i - 1]!;
    }
  };
  const atr = col('atr14'), atr10 = new Float64Array(n).fill(Number.NaN);
  wilder(tr, 14, atr);
  wilder(tr, 10, atr10);
  const atrPct = col('atrPct');
  for (let i = 0; i < n; i++) atrPct[i] = atr[i]! / close[i]!;
  // ADX
  const pdi = col('plusDi14'), mdi = col('minusDi14'), adx = col('adx14');
  let sTr = 0, sP = 0, sM = 0, dxSum = 0, a = 0;
  for (let i = 1; i < n; i++) {
    const up = high[i]! - high[i - 1]!, down = low[i - 1]! - low[i]!;
    const pdm = up > down && up > 0 ? up : 0, mdm = down > up && down > 0 ? down : 0;
    if (i <= 14) { sTr += tr[i]!; sP += pdm; sM += mdm; if (i < 14) continue; } else { sTr = sTr - sTr / 14 + tr[i]!; sP = sP - sP / 14 + pdm; sM = sM - sM / 14 + mdm; }
    const p = (sP * 100) / sTr, m = (sM * 100) / sTr, dx = p + m > 0 ? (Math.abs(p - m) / (p + m)) * 100 : 0;
    if (i < 27) { dxSum += dx; continue; }
    a = i === 27 ? (dxSum + dx) / 14 : (dx - a) / 14 + a;
    adx[i] = a; pdi[i] = p; mdi[i] = m;
  }
  for (const p of [7, 14, 21] as const) {
    const dst = col(`rsi${p}`);
    let g = 0, l = 0;
    for (let i = 1; i < n; i++) {
      const c = close[i]! - close[i - 1]!, gain = c > 0 ? c : 0, loss = c < 0 ? -c : 0;
      if (i < p) { g += gain; l += loss; continue; }
      if (i === p) { g = (g + gain) / p; l = (l + loss) / p; } else { g = (g * (p - 1) + gain) / p; l = (l * (p - 1) + loss) / p; }
      dst[i] = l === 0 ? 100 : g === 0 ? 0 : 100 - 100 / (1 + g / l);
    }
  }
  const k = col('stochK'), wr = col('williamsR14');
  for (let i = 13; i < n; i++) {
    let hh = -Infinity, ll = Infinity;
    for (let j = i - 13; j <= i; j++) { if (high[j]! > hh) hh = high[j]!; if (low[j]! < ll) ll = low[j]!; }
    const v = ((close[i]! - ll) / (hh - ll)) * 100;
    k[i] = Number.isNaN(v) ? 0 : v;
    wr[i] = ((hh - close[i]!) / (hh - ll)) * -100;
  }
  const d = col('stochD');
  for (let i = 15; i < n; i++) d[i] = (k[i]! + k[i - 1]! + k[i - 2]!) / 3;
  for (const p of [5, 10, 20, 63, 126, 252] as const) {
    const dst = col(`roc${p}`);
    for (let i = p; i < n; i++) dst[i] = (close[i]! - close[i - p]!) / close[i - p]!;
  }
  const tp = new Float64Array(n);
  for (let i = 0; i < n; i++) tp[i] = (high[i]! + low[i]! + close[i]!) / 3;
  const tpSma = new Float64Array(n);
  sma(tp, 20, tpSma);
  const cci = col('cci20');
  for (let i = 19; i < n; i++) {
    let dev = 0;
    for (let j = i - 19; j <= i; j++) dev += Math.abs(tp[j]! - tpSma[i]!);
    cci[i] = (tp[i]! - tpSma[i]!) / (0.015 * (dev / 20));
  }
  const mfi = col('mfi14');
  let pos = 0, neg = 0;
  const pf = new Float64Array(n), nf = new Float64Array(n);
  for (let i = 2; i < n; i++) {
    const raw = tp[i]! * volume[i]!;
    if (tp[i]! > tp[i - 1]!) pf[i] = raw; else nf[i] = raw;
    pos += pf[i]!; neg += nf[i]!;
    if (i >= 16) { pos -= pf[i - 14]!; neg -= nf[i - 14]!; }
    if (i >= 15) mfi[i] = 100 - 100 / (1 + pos / neg);
  }
  const mid = col('bbMiddle'), bu = col('bbUpper'), bl = col('bbLower'), pb = col('bbPercentB'), bw = col('bbWidth');
  sma(close, 20, mid);
  for (let i = 19; i < n; i++) {
    let sq = 0;
    for (let j = i - 19; j <= i; j++) sq += (close[j]! - mid[i]!) ** 2;
    const sd = Math.sqrt(sq / 20);
    bu[i] = mid[i]! + 2 * sd; bl[i] = mid[i]! - 2 * sd;
    pb[i] = (close[i]! - bl[i]!) / (bu[i]! - bl[i]!); bw[i] = (bu[i]! - bl[i]!) / mid[i]!;
  }
  const e20 = col('ema20'), ku = col('kcUpper'), km = col('kcMiddle'), kl = col('kcLower');
  for (let i = 19; i < n; i++) { km[i] = e20[i]!; ku[i] = e20[i]! + 2 * atr10[i]!; kl[i] = e20[i]! - 2 * atr10[i]!; }
  const vol = col('volatility20');
  let rs = 0, rq = 0;
  const r = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    r[i] = Math.log(close[i]! / close[i - 1]!);
    rs += r[i]!; rq += r[i]! * r[i]!;
    if (i >= 21) { rs -= r[i - 20]!; rq -= r[i - 20]! * r[i - 20]!; }
    if (i >= 20) vol[i] = Math.sqrt(Math.max(0, rq / 20 - (rs / 20) ** 2) * 252);
  }
  const obv = col('obv');
  let o = 0;
  for (let i = 1; i < n; i++) { o += close[i]! > close[i - 1]! ? volume[i]! : close[i]! < close[i - 1]! ? -volume[i]! : 0; obv[i] = o; }
  const vw = col('vwap20'), vs = col('volumeSma20'), rv = col('relVolume');
  let pv = 0, v = 0;
  for (let i = 0; i < n; i++) {
    pv += tp[i]! * volume[i]!; v += volume[i]!;
    if (i >= 20) { pv -= tp[i - 20]! * volume[i - 20]!; v -= volume[i - 20]!; }
    if (i >= 19) { vw[i] = v > 0 ? pv / v : Number.NaN; vs[i] = v / 20; rv[i] = v ? volume[i]! / (v / 20) : Number.NaN; }
  }
  const doji = col('doji'), ham = col('hammer'), bull = col('bullishEngulfing'), bear = col('bearishEngulfing');
  for (let i = 0; i < n; i++) {
    const range = high[i]! - low[i]!, body = Math.abs(close[i]! - open[i]!);
    const lo = Math.min(open[i]!, close[i]!) - low[i]!, hi = high[i]! - Math.max(open[i]!, close[i]!);
    doji[i] = range > 0 && body <= 0.1 * range ? 1 : 0;
    ham[i] = range > 0 && body > 0 && lo >= 2 * body && hi <= 0.3 * body ? 1 : 0;
    if (i === 0) continue;
    const pc = close[i - 1]!, po = open[i - 1]!;
    bull[i] = pc < po && close[i]! > open[i]! && open[i]! <= pc && close[i]! >= po ? 1 : 0;
    bear[i] = pc > po && close[i]! < open[i]! && open[i]! >= pc && close[i]! <= po ? 1 : 0;
  }
  return out;
}
