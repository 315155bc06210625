/** The research core's in-memory market: every symbol's bars and features on one day axis, day-major (one
 * contiguous row per day), so a day's cross-section is one slice. NaN marks "no bar" or "no value yet". */
import type { FundamentalsTimeline } from '../picks/screening.js';
import type { Instrument, TradingDay } from '../domain/types.js';
import { FEATURE_COUNT, FEATURES, type BarColumns, type IndicatorRow } from '../market/indicators.js';
import { newFeatureState, stepFeatures } from '../market/features/feature-kernel.js';

export interface MarketMatrix {
  /** Every day on which at least one symbol has a bar, oldest first. */
  days: TradingDay[];
  symbols: string[];
  /** Price columns, day-major: value of symbol s on day d at [d * S + s]. */
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  /** Features, day-major: feature f of symbol s on day d at [(d * S + s) * F + f]. */
  features: Float64Array;
  instruments: Map<string, Instrument>;
  /** Stored fundamentals over time, for screening as of each signal day (none: nothing to screen on). */
  fundamentals?: FundamentalsTimeline;
}

/** Lay out per-symbol bar columns (oldest first) on one day axis and compute every feature of every symbol
 * with the kernel, from each symbol's first bar. */
export function buildMarketMatrix(bars: Map<string, BarColumns>, instruments: Map<string, Instrument>, onProgress?: (done: number, total: number) => void): MarketMatrix {
  const symbols = [...bars.keys()].sort();
  const daySet = new Set<TradingDay>();
  for (const b of bars.values()) for (const d of b.days) daySet.add(d);
  const days = [...daySet].sort();
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const D = days.length;
  const S = symbols.length;
  const F = FEATURE_COUNT;
  const m: MarketMatrix = {
    days, symbols, instruments,
    open: new Float64Array(D * S).fill(Number.NaN), high: new Float64Array(D * S).fill(Number.NaN), low: new Float64Array(D * S).fill(Number.NaN),
    close: new Float64Array(D * S).fill(Number.NaN), volume: new Float64Array(D * S).fill(Number.NaN),
    features: new Float64Array(D * S * F).fill(Number.NaN),
  };
  symbols.forEach((symbol, s) => {
    const b = bars.get(symbol)!;
    const st = newFeatureState();
    for (let i = 0; i < b.days.length; i++) {
      const at = dayIndex.get(b.days[i]!)! * S + s;
      m.open[at] = b.open[i]!;
      m.high[at] = b.high[i]!;
      m.low[at] = b.low[i]!;
      m.close[at] = b.close[i]!;
      m.volume[at] = b.volume[i]!;
      // The kernel writes the day's features straight into the symbol's slot of the day's row.
      stepFeatures(st, b.open[i]!, b.high[i]!, b.low[i]!, b.close[i]!, b.volume[i]!, m.features, at * F, 1);
    }
    onProgress?.(s + 1, S);
  });
  return m;
}

/** One symbol's features on one day of a matrix, read in place: the row shape the picks read from storage
 * (NaN and infinities read as null), without copying 53 values per symbol per day. */
class MatrixRow {
  d = 0;
  constructor(readonly m: MarketMatrix, readonly s: number, readonly symbol: string) {}
  get day(): TradingDay {
    return this.m.days[this.d]!;
  }
  get close(): number {
    return this.m.close[this.d * this.m.symbols.length + this.s]!;
  }
}
FEATURES.forEach((f, k) => {
  Object.defineProperty(MatrixRow.prototype, f, {
    get(this: MatrixRow) {
      const v = this.m.features[(this.d * this.m.symbols.length + this.s) * FEATURE_COUNT + k]!;
      return Number.isFinite(v) ? v : null;
    },
  });
});

/** Row views of a matrix, one per symbol, moved from day to day: valid until the next `on()`. */
export class MatrixRows {
  private readonly views: MatrixRow[];

  constructor(private readonly m: MarketMatrix) {
    this.views = m.symbols.map((symbol, s) => new MatrixRow(m, s, symbol));
  }

  /** The rows of every symbol with a bar on day index `d`. */
  on(d: number): IndicatorRow[] {
    const S = this.m.symbols.length;
    const out: IndicatorRow[] = [];
    for (let s = 0; s < S; s++) {
      if (Number.isNaN(this.m.close[d * S + s]!)) continue;
      const v = this.views[s]!;
      v.d = d;
      out.push(v as unknown as IndicatorRow);
    }
    return out;
  }
}
