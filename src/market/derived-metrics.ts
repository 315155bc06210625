/** Metrics derived from a symbol's stored bars, as of its last bar: realised volatility, ATR as a share of
 * price, average turnover (close × volume) and the 52-week range. */
import { ATR } from 'technicalindicators';
import type { Candle, DerivedMetrics } from '../domain/types.js';

function annualisedVol(closes: number[], period: number): number | null {
  if (closes.length < period + 1) return null;
  const r: number[] = [];
  for (let i = closes.length - period; i < closes.length; i++) r.push(Math.log(closes[i]! / closes[i - 1]!));
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  return Math.sqrt((r.reduce((a, b) => a + (b - mean) ** 2, 0) / r.length) * 252);
}

/** Metrics as of the last bar of `bars` (oldest first, one symbol); null where history is too short. */
export function deriveMetrics(bars: Candle[]): DerivedMetrics | null {
  const last = bars.at(-1);
  if (!last) return null;
  const closes = bars.map((b) => b.close);
  const year = bars.slice(-252);
  const atr = ATR.calculate({ high: bars.map((b) => b.high), low: bars.map((b) => b.low), close: closes, period: 14 }).at(-1);
  const turnover = bars.slice(-20);
  const high52w = Math.max(...year.map((b) => b.high));
  const low52w = Math.min(...year.map((b) => b.low));
  return {
    symbol: last.symbol, day: last.day,
    volatility20: annualisedVol(closes, 20), volatility60: annualisedVol(closes, 60),
    atrPct: atr === undefined ? null : atr / last.close,
    avgTurnover20: turnover.length === 20 ? turnover.reduce((s, b) => s + b.close * b.volume, 0) / 20 : null,
    high52w, low52w, pctFromHigh52w: last.close / high52w - 1, bars: bars.length,
  };
}
