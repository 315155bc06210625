/** Technical indicators for one symbol's daily series, computed in one pass per indicator with
 * `technicalindicators`. Outputs are aligned to the input: a value is null until enough history exists. */
import { ATR, BollingerBands, EMA, MACD, ROC, RSI, SMA } from 'technicalindicators';
import type { Candle, IndicatorRow } from '../domain/types.js';

/** Bars needed before the slowest indicator (SMA 200) has a value. */
export const WARMUP_BARS = 200;

function alignRight<T>(values: T[], length: number): Array<T | null> {
  const pad = length - values.length;
  const out = new Array<T | null>(length).fill(null);
  for (let i = 0; i < values.length; i++) out[pad + i] = values[i] ?? null;
  return out;
}

function finite(v: number | null | undefined): number | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : v;
}

/**
 * Indicators for every bar of `candles` (oldest first, one symbol). Pass enough history before the days
 * you keep: values need up to {@link WARMUP_BARS} earlier bars.
 */
export function computeIndicators(candles: Candle[]): IndicatorRow[] {
  const n = candles.length;
  const close = candles.map((c) => c.close);
  const high = candles.map((c) => c.high);
  const low = candles.map((c) => c.low);
  const rsi = alignRight(RSI.calculate({ values: close, period: 14 }), n);
  const macd = alignRight(MACD.calculate({ values: close, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false }), n);
  const sma20 = alignRight(SMA.calculate({ values: close, period: 20 }), n);
  const sma50 = alignRight(SMA.calculate({ values: close, period: 50 }), n);
  const sma200 = alignRight(SMA.calculate({ values: close, period: 200 }), n);
  const ema12 = alignRight(EMA.calculate({ values: close, period: 12 }), n);
  const ema26 = alignRight(EMA.calculate({ values: close, period: 26 }), n);
  const atr = alignRight(ATR.calculate({ high, low, close, period: 14 }), n);
  const bb = alignRight(BollingerBands.calculate({ values: close, period: 20, stdDev: 2 }), n);
  const roc20 = alignRight(ROC.calculate({ values: close, period: 20 }), n);
  const roc63 = alignRight(ROC.calculate({ values: close, period: 63 }), n);

  return candles.map((c, i) => ({
    symbol: c.symbol,
    day: c.day,
    close: c.close,
    rsi14: finite(rsi[i]),
    macd: finite(macd[i]?.MACD),
    macdSignal: finite(macd[i]?.signal),
    macdHist: finite(macd[i]?.histogram),
    sma20: finite(sma20[i]),
    sma50: finite(sma50[i]),
    sma200: finite(sma200[i]),
    ema12: finite(ema12[i]),
    ema26: finite(ema26[i]),
    atr14: finite(atr[i]),
    bbUpper: finite(bb[i]?.upper),
    bbMiddle: finite(bb[i]?.middle),
    bbLower: finite(bb[i]?.lower),
    // technicalindicators returns ROC in percent; store a fraction like every other ratio in Tiller.
    roc20: roc20[i] == null ? null : finite((roc20[i] as number) / 100),
    roc63: roc63[i] == null ? null : finite((roc63[i] as number) / 100),
  }));
}
