/** The test oracle: every feature computed with `technicalindicators` (generators, one object per output),
 * as Tiller computed them before its typed-array kernel. Unit tests compare the kernel with it on real series;
 * the bench measures both. Values are aligned to the input, null until enough history exists. */
import { ADX, ATR, BollingerBands, CCI, EMA, KeltnerChannels, MACD, MFI, OBV, ROC, RSI, SMA, Stochastic, WilliamsR } from 'technicalindicators';
import type { Candle } from '../../src/domain/types.js';
import type { FeatureName } from '../../src/market/indicators.js';

type Series = Array<number | null>;

function alignRight(values: readonly number[], length: number): Series {
  const out: Series = new Array<number | null>(length).fill(null);
  const pad = length - values.length;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[pad + i] = Number.isFinite(v) ? v : null;
  }
  return out;
}

function pick<T>(rows: readonly T[], length: number, f: (r: T) => number | undefined): Series {
  return alignRight(rows.map((r) => f(r) ?? Number.NaN), length);
}

/** Annualised standard deviation of daily log returns over `period` days. */
function volatility(close: number[], period: number): Series {
  const out: Series = new Array<number | null>(close.length).fill(null);
  const r = close.map((c, i) => (i === 0 ? Number.NaN : Math.log(c / close[i - 1]!)));
  for (let i = period; i < close.length; i++) {
    let sum = 0;
    let sq = 0;
    for (let j = i - period + 1; j <= i; j++) {
      sum += r[j]!;
      sq += r[j]! * r[j]!;
    }
    const mean = sum / period;
    out[i] = Math.sqrt(Math.max(0, sq / period - mean * mean) * 252);
  }
  return out;
}

/** Volume-weighted average of the typical price over the last `period` days. */
function rollingVwap(c: Candle[], period: number): Series {
  const out: Series = new Array<number | null>(c.length).fill(null);
  let pv = 0;
  let v = 0;
  for (let i = 0; i < c.length; i++) {
    const tp = (c[i]!.high + c[i]!.low + c[i]!.close) / 3;
    pv += tp * c[i]!.volume;
    v += c[i]!.volume;
    if (i >= period) {
      const o = c[i - period]!;
      pv -= ((o.high + o.low + o.close) / 3) * o.volume;
      v -= o.volume;
    }
    if (i >= period - 1) out[i] = v > 0 ? pv / v : null;
  }
  return out;
}

/** Classic single- and two-bar candle patterns. */
function patterns(c: Candle[]) {
  const doji: Series = [];
  const hammer: Series = [];
  const bull: Series = [];
  const bear: Series = [];
  for (let i = 0; i < c.length; i++) {
    const b = c[i]!;
    const range = b.high - b.low;
    const body = Math.abs(b.close - b.open);
    const lowerShadow = Math.min(b.open, b.close) - b.low;
    const upperShadow = b.high - Math.max(b.open, b.close);
    doji.push(range > 0 && body <= 0.1 * range ? 1 : 0);
    hammer.push(range > 0 && body > 0 && lowerShadow >= 2 * body && upperShadow <= 0.3 * body ? 1 : 0);
    const p = c[i - 1];
    if (!p) {
      bull.push(null);
      bear.push(null);
      continue;
    }
    bull.push(p.close < p.open && b.close > b.open && b.open <= p.close && b.close >= p.open ? 1 : 0);
    bear.push(p.close > p.open && b.close < b.open && b.open >= p.close && b.close <= p.open ? 1 : 0);
  }
  return { doji, hammer, bull, bear };
}

/** One symbol's features as boxed columns: `values[f][i]` is feature f on `days[i]`. */
export interface ReferenceSeries {
  symbol: string;
  days: string[];
  close: number[];
  values: Record<FeatureName, Series>;
}

/** Every feature for every bar of `candles` (oldest first, one symbol), with `technicalindicators`. */
export function referenceIndicators(candles: Candle[]): ReferenceSeries {
  const n = candles.length;
  const close = candles.map((c) => c.close);
  const high = candles.map((c) => c.high);
  const low = candles.map((c) => c.low);
  const volume = candles.map((c) => c.volume);
  const sma = (period: number) => alignRight(SMA.calculate({ values: close, period }), n);
  const ema = (period: number) => alignRight(EMA.calculate({ values: close, period }), n);
  const roc = (period: number) => alignRight(ROC.calculate({ values: close, period }).map((x) => x / 100), n); // as a fraction
  const rsi = (period: number) => alignRight(RSI.calculate({ values: close, period }), n);

  const macd = MACD.calculate({ values: close, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false });
  const adx = ADX.calculate({ high, low, close, period: 14 });
  const stoch = Stochastic.calculate({ high, low, close, period: 14, signalPeriod: 3 });
  const bb = BollingerBands.calculate({ values: close, period: 20, stdDev: 2 });
  const kc = KeltnerChannels.calculate({ high, low, close, maPeriod: 20, atrPeriod: 10, useSMA: false, multiplier: 2 });
  const atr14 = alignRight(ATR.calculate({ high, low, close, period: 14 }), n);
  const volumeSma20 = alignRight(SMA.calculate({ values: volume, period: 20 }), n);
  const p = patterns(candles);

  const values: Record<FeatureName, Series> = {
    sma5: sma(5), sma10: sma(10), sma20: sma(20), sma50: sma(50), sma100: sma(100), sma200: sma(200),
    ema5: ema(5), ema10: ema(10), ema12: ema(12), ema20: ema(20), ema26: ema(26), ema50: ema(50), ema100: ema(100), ema200: ema(200),
    macd: pick(macd, n, (m) => m.MACD), macdSignal: pick(macd, n, (m) => m.signal), macdHist: pick(macd, n, (m) => m.histogram),
    adx14: pick(adx, n, (a) => a.adx), plusDi14: pick(adx, n, (a) => a.pdi), minusDi14: pick(adx, n, (a) => a.mdi),
    rsi7: rsi(7), rsi14: rsi(14), rsi21: rsi(21),
    stochK: pick(stoch, n, (s) => s.k), stochD: pick(stoch, n, (s) => s.d),
    williamsR14: alignRight(WilliamsR.calculate({ high, low, close, period: 14 }), n),
    roc5: roc(5), roc10: roc(10), roc20: roc(20), roc63: roc(63), roc126: roc(126), roc252: roc(252),
    cci20: alignRight(CCI.calculate({ high, low, close, period: 20 }), n),
    mfi14: alignRight(MFI.calculate({ high, low, close, volume, period: 14 }), n),
    atr14, atrPct: atr14.map((a, i) => (a === null ? null : a / close[i]!)),
    bbUpper: pick(bb, n, (b) => b.upper), bbMiddle: pick(bb, n, (b) => b.middle), bbLower: pick(bb, n, (b) => b.lower),
    bbPercentB: pick(bb, n, (b) => b.pb), bbWidth: pick(bb, n, (b) => (b.middle ? (b.upper - b.lower) / b.middle : Number.NaN)),
    kcUpper: pick(kc, n, (k) => k.upper), kcMiddle: pick(kc, n, (k) => k.middle), kcLower: pick(kc, n, (k) => k.lower),
    volatility20: volatility(close, 20),
    obv: alignRight(OBV.calculate({ close, volume }), n),
    vwap20: rollingVwap(candles, 20),
    volumeSma20, relVolume: volumeSma20.map((v, i) => (v ? volume[i]! / v : null)),
    doji: p.doji, hammer: p.hammer, bullishEngulfing: p.bull, bearishEngulfing: p.bear,
  };
  return { symbol: candles[0]?.symbol ?? '', days: candles.map((c) => c.day), close, values };
}
