/** Metrics derived from a symbol's stored bars, as of its last bar: realised volatility, ATR as a share of
 * price, average turnover (close × volume) and the 52-week range. Plain loops over typed columns. */
import type { DerivedMetrics } from '../domain/types.js';
import type { BarColumns } from './indicators.js';

/** Annualised population deviation of the last `period` daily log returns; null with too few bars. */
function annualisedVol(close: Float64Array, period: number): number | null {
  const n = close.length;
  if (n < period + 1) return null;
  let sum = 0;
  for (let i = n - period; i < n; i++) sum += Math.log(close[i]! / close[i - 1]!);
  const mean = sum / period;
  let sq = 0;
  for (let i = n - period; i < n; i++) sq += (Math.log(close[i]! / close[i - 1]!) - mean) ** 2;
  return Math.sqrt((sq / period) * 252);
}

/** Wilder's ATR over the whole window (seeded with the mean of the first 14 true ranges), at its last bar. */
function lastAtr(b: BarColumns, period: number): number | null {
  const n = b.close.length;
  if (n < period + 1) return null;
  let atr = 0;
  for (let i = 1; i < n; i++) {
    const pc = b.close[i - 1]!;
    const tr = Math.max(b.high[i]! - b.low[i]!, Math.abs(b.high[i]! - pc), Math.abs(b.low[i]! - pc));
    if (i < period) atr += tr;
    else if (i === period) atr = (atr + tr) / period;
    else atr = (tr - atr) / period + atr;
  }
  return atr;
}

/** Metrics of `symbol` as of the last bar of `b` (oldest first); null when there is no bar. */
export function deriveMetrics(symbol: string, b: BarColumns): DerivedMetrics | null {
  const n = b.days.length;
  if (n === 0) return null;
  const last = b.close[n - 1]!;
  let high52w = -Infinity;
  let low52w = Infinity;
  for (let i = Math.max(0, n - 252); i < n; i++) {
    high52w = Math.max(high52w, b.high[i]!);
    low52w = Math.min(low52w, b.low[i]!);
  }
  let turnover = 0;
  for (let i = n - 20; i >= 0 && i < n; i++) turnover += b.close[i]! * b.volume[i]!;
  const atr = lastAtr(b, 14);
  return {
    symbol, day: b.days[n - 1]!,
    volatility20: annualisedVol(b.close, 20), volatility60: annualisedVol(b.close, 60),
    atrPct: atr === null ? null : atr / last,
    avgTurnover20: n >= 20 ? turnover / 20 : null,
    high52w, low52w, pctFromHigh52w: last / high52w - 1, bars: n,
  };
}
