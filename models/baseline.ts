/** The baseline every model must beat: 12-1 momentum, the return from 252 to 21 trading days before the
 * decision day (the last month skipped, as is customary, for its short-term reversal). Reads closes only up
 * to the decision day. */
import type { MarketMatrix } from '../src/backtest/market-matrix.js';

export const BASELINE = 'baseline-momentum-12-1';

/** Scores of every (day, symbol), day-major; NaN when a close is missing. */
export function momentum121(m: MarketMatrix): Float64Array {
  const D = m.days.length;
  const S = m.symbols.length;
  const out = new Float64Array(D * S).fill(Number.NaN);
  for (let d = 252; d < D; d++) {
    for (let s = 0; s < S; s++) {
      if (Number.isNaN(m.close[d * S + s]!)) continue;
      const near = m.close[(d - 21) * S + s]!;
      const far = m.close[(d - 252) * S + s]!;
      if (near > 0 && far > 0) out[d * S + s] = near / far - 1;
    }
  }
  return out;
}
