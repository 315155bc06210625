/** The baseline every model must beat: 12-1 momentum, the return from 252 to 21 trading days before the
 * decision day (the last month skipped, as is customary, for its short-term reversal). Reads closes only up
 * to the decision day. */
import type { MarketMatrix } from '../src/backtest/market-matrix.js';

export const BASELINE = 'baseline-momentum-12-1';
/** Trading days back to the near and the far close. */
export const MOMENTUM_NEAR = 21;
export const MOMENTUM_FAR = 252;

/** The baseline's score of a symbol with a bar on the decision day (NaN when it has none or a close is
 * missing or not positive). */
export function momentumScore(close: number, near: number, far: number): number {
  return !Number.isNaN(close) && near > 0 && far > 0 ? near / far - 1 : Number.NaN;
}

/** Scores of every (day, symbol), day-major; NaN when a close is missing. */
export function momentum121(m: MarketMatrix): Float64Array {
  const D = m.days.length;
  const S = m.symbols.length;
  const out = new Float64Array(D * S).fill(Number.NaN);
  for (let d = MOMENTUM_FAR; d < D; d++) {
    for (let s = 0; s < S; s++) out[d * S + s] = momentumScore(m.close[d * S + s]!, m.close[(d - MOMENTUM_NEAR) * S + s]!, m.close[(d - MOMENTUM_FAR) * S + s]!);
  }
  return out;
}
