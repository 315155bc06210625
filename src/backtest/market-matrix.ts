/** The research core's in-memory market: every symbol's bars and features on one day axis, day-major (one
 * contiguous row per day), so a day's cross-section is one slice. NaN marks "no bar" or "no value yet". */
import type { Instrument, TradingDay } from '../domain/types.js';
import { FEATURE_COUNT, FEATURES, computeFeatures, type BarColumns, type IndicatorRow } from '../market/indicators.js';

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
    const n = b.days.length;
    const fs = computeFeatures(symbol, b);
    for (let i = 0; i < n; i++) {
      const d = dayIndex.get(b.days[i]!)!;
      const at = d * S + s;
      m.open[at] = b.open[i]!;
      m.high[at] = b.high[i]!;
      m.low[at] = b.low[i]!;
      m.close[at] = b.close[i]!;
      m.volume[at] = b.volume[i]!;
      const row = at * F;
      for (let f = 0; f < F; f++) m.features[row + f] = fs.values[f * n + i]!;
    }
    onProgress?.(s + 1, S);
  });
  return m;
}

/** The features of every symbol with a bar on day index `d`, as the picks read them from storage. */
export function rowsOnDay(m: MarketMatrix, d: number): IndicatorRow[] {
  const S = m.symbols.length;
  const F = FEATURE_COUNT;
  const out: IndicatorRow[] = [];
  for (let s = 0; s < S; s++) {
    const at = d * S + s;
    const close = m.close[at]!;
    if (Number.isNaN(close)) continue;
    const row = { symbol: m.symbols[s]!, day: m.days[d]!, close } as IndicatorRow;
    for (let f = 0; f < F; f++) {
      const v = m.features[at * F + f]!;
      row[FEATURES[f]!] = Number.isFinite(v) ? v : null;
    }
    out.push(row);
  }
  return out;
}
