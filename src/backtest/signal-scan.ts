/** Vectorised signal evaluation over the day-major matrix: the picks' qualification rule for every symbol on
 * every day in one pass, into a caller's Uint8Array (1 = qualifies). No allocation per bar; sweeps use it to
 * see at once which days and symbols a profile's settings admit. */
import type { ProfileConfig } from '../config.js';
import { FEATURE_COUNT, FEATURE_INDEX } from '../market/indicators.js';
import { qualifiesValues } from '../picks/momentum.strategy.js';
import type { MarketMatrix } from './market-matrix.js';

const F = FEATURE_COUNT;
const I_ATR = FEATURE_INDEX.atr14, I_SMA50 = FEATURE_INDEX.sma50, I_SMA200 = FEATURE_INDEX.sma200, I_RSI = FEATURE_INDEX.rsi14;
const I_ROC63 = FEATURE_INDEX.roc63, I_ROC20 = FEATURE_INDEX.roc20, I_MACDH = FEATURE_INDEX.macdHist;

const finite = (x: number): number => (x - x === 0 ? x : Number.NaN);

/** Market caps in symbol order (NaN where unknown), for the scan. */
export function marketCaps(m: MarketMatrix): Float64Array {
  return Float64Array.from(m.symbols, (s) => m.instruments.get(s)?.marketCap ?? Number.NaN);
}

/** Fill `out[d * S + s]` with 1 where symbol s qualifies on day d under profile `p`, else 0; returns the count. */
export function scanQualifiers(m: MarketMatrix, p: ProfileConfig, caps: Float64Array, out: Uint8Array): number {
  const S = m.symbols.length;
  const D = m.days.length;
  const f = m.features;
  const closes = m.close;
  let count = 0;
  for (let d = 0, at = 0; d < D; d++) {
    for (let s = 0; s < S; s++, at++) {
      const close = closes[at]!;
      let q = 0;
      if (close === close) {
        const b = at * F;
        q = qualifiesValues(close, finite(f[b + I_ATR]!), finite(f[b + I_SMA50]!), finite(f[b + I_SMA200]!), finite(f[b + I_RSI]!),
          finite(f[b + I_ROC63]!), finite(f[b + I_ROC20]!), finite(f[b + I_MACDH]!), caps[s]!, p) ? 1 : 0;
      }
      out[at] = q;
      count += q;
    }
  }
  return count;
}
