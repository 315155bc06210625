/** One symbol's features as typed columns: a full pass over its bars from a fresh state, or an incremental
 * pass over new bars from the state saved after the last stored day. Both run the same kernel, so an
 * incremental result equals the full recomputation to the bit. */
import type { BarColumns, Candle, TradingDay } from '../../domain/types.js';
import { FEATURE_COUNT, FEATURE_INDEX, type FeatureName } from './feature-list.js';
import { isUsableState, newFeatureState, stepFeatures } from './feature-kernel.js';

export type { BarColumns };

/** One symbol's features on `days`: feature f of day i is `values[f * days.length + i]` (NaN = no value). */
export interface FeatureSeries {
  symbol: string;
  days: TradingDay[];
  close: Float64Array;
  /** Column-major: one contiguous Float64Array column per feature, in FEATURES order. */
  values: Float64Array;
  /** The kernel state after the last day: saved, it lets the next day continue without re-reading history. */
  state: Float64Array;
}

/** Candles (one symbol, oldest first) as columns. */
export function toBarColumns(candles: readonly Candle[]): BarColumns {
  const n = candles.length;
  const cols: BarColumns = {
    days: new Array<TradingDay>(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n),
    close: new Float64Array(n), volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const c = candles[i]!;
    cols.days[i] = c.day;
    cols.open[i] = c.open;
    cols.high[i] = c.high;
    cols.low[i] = c.low;
    cols.close[i] = c.close;
    cols.volume[i] = c.volume;
  }
  return cols;
}

/** Where the kernel writes the features of bars whose values are not kept (one day, stride 1). */
const scratch = new Float64Array(FEATURE_COUNT);

/**
 * Features for the bars of `bars` from index `from` on (default: all). Without `state` this is the full pass
 * from the symbol's first bar; with a state saved after an earlier pass (over the bars just before these),
 * it continues from there. Bars before `from` only advance the state: a long warm-up costs no output memory.
 * The given state is not modified: the result carries its own copy.
 */
export function computeFeatures(symbol: string, bars: BarColumns, state?: Float64Array, from = 0): FeatureSeries {
  const st = state && isUsableState(state) ? state.slice() : newFeatureState();
  const n = bars.days.length;
  const first = Math.min(Math.max(0, from), n);
  const m = n - first;
  const values = new Float64Array(FEATURE_COUNT * m);
  const { open, high, low, close, volume } = bars;
  for (let i = 0; i < first; i++) stepFeatures(st, open[i]!, high[i]!, low[i]!, close[i]!, volume[i]!, scratch, 0, 1);
  for (let i = first; i < n; i++) stepFeatures(st, open[i]!, high[i]!, low[i]!, close[i]!, volume[i]!, values, i - first, m);
  return { symbol, days: first === 0 ? bars.days : bars.days.slice(first), close: bars.close.slice(first), values, state: st };
}

/** The column of one feature (a view, not a copy). */
export function featureValues(s: FeatureSeries, f: FeatureName): Float64Array {
  const n = s.days.length;
  const at = FEATURE_INDEX[f] * n;
  return s.values.subarray(at, at + n);
}

/** Bars from index `from` (negative: none) to the end, as views. */
export function sliceBars(b: BarColumns, from: number): BarColumns {
  const at = from < 0 ? b.days.length : from;
  return {
    days: b.days.slice(at), open: b.open.subarray(at), high: b.high.subarray(at), low: b.low.subarray(at),
    close: b.close.subarray(at), volume: b.volume.subarray(at),
  };
}
