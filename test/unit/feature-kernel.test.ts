import { describe, expect, it } from 'vitest';
import { computeFeatures, FEATURES, featureValues, toBarColumns, type FeatureName } from '../../src/market/indicators.js';
import { barsSeen, newFeatureState, stepFeatures, STATE_LENGTH } from '../../src/market/features/feature-kernel.js';
import { referenceIndicators } from '../helpers/reference-indicators.js';
import { sp500Bars } from '../helpers/sp500-bars.js';

// Real series: large and small caps, a late listing (BHF), files with dirt (DHR, REGN), a high-priced one (AMZN).
const SYMBOLS = ['AAPL', 'AMZN', 'BHF', 'DHR', 'REGN', 'XOM', 'F', 'NVDA', 'KO', 'CHK'];

/** The reference rounds RSI and MFI to two decimals; everything else agrees to floating-point noise. */
function tolerance(f: FeatureName, ref: number): number {
  if (f === 'rsi7' || f === 'rsi14' || f === 'rsi21' || f === 'mfi14') return 0.005 + 1e-9;
  return 1e-9 * Math.max(1, Math.abs(ref));
}

describe('feature kernel against technicalindicators on real series', () => {
  for (const symbol of SYMBOLS) {
    it(`${symbol}: every feature, every day`, () => {
      const bars = sp500Bars(symbol);
      expect(bars.length).toBeGreaterThan(40);
      const ref = referenceIndicators(bars);
      const ours = computeFeatures(symbol, toBarColumns(bars));
      let compared = 0;
      for (const f of FEATURES) {
        const col = featureValues(ours, f);
        const want = ref.values[f];
        for (let i = 0; i < bars.length; i++) {
          const r = want[i] ?? null;
          const v = col[i]!;
          if (r === null) {
            expect(Number.isFinite(v), `${symbol} ${f} ${bars[i]!.day}: reference has no value, kernel ${v}`).toBe(false);
          } else {
            const diff = Math.abs(v - r);
            if (!(diff <= tolerance(f, r))) expect.fail(`${symbol} ${f} ${bars[i]!.day}: kernel ${v}, reference ${r}`);
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(bars.length * 40);
    });
  }
});

describe('incremental features equal the full recomputation', () => {
  it('continuing from a saved state gives the same bits as one pass, wherever the split falls', () => {
    const bars = toBarColumns(sp500Bars('AAPL'));
    const n = bars.days.length;
    const full = computeFeatures('AAPL', bars);
    for (const split of [1, 13, 27, 199, 252, 253, 600, n - 1]) {
      const head = computeFeatures('AAPL', sliceBars(bars, 0, split));
      // the state goes through bytes, as it does through the database
      const saved = new Float64Array(new Uint8Array(Buffer.from(head.state.buffer, head.state.byteOffset, head.state.byteLength)).buffer);
      const tail = computeFeatures('AAPL', sliceBars(bars, split, n), saved);
      for (const f of FEATURES) {
        const a = featureValues(full, f).subarray(split);
        const b = featureValues(tail, f);
        expect(Array.from(b), `${f} after a split at ${split}`).toEqual(Array.from(a));
      }
      expect(Array.from(tail.state)).toEqual(Array.from(full.state));
    }
  });

  it('a pass that keeps only the days from an index on (the bars before only warm up) equals the full pass there', () => {
    const bars = toBarColumns(sp500Bars('XOM'));
    const n = bars.days.length;
    const full = computeFeatures('XOM', bars);
    for (const from of [0, 1, 259, n - 259, n - 1, n, n + 5]) {
      const part = computeFeatures('XOM', bars, undefined, from);
      const at = Math.min(from, n);
      expect(part.days).toEqual(bars.days.slice(at));
      expect(Array.from(part.close)).toEqual(Array.from(bars.close.subarray(at)));
      for (const f of FEATURES) expect(Array.from(featureValues(part, f)), `${f} from ${from}`).toEqual(Array.from(featureValues(full, f).subarray(at)));
      expect(Array.from(part.state)).toEqual(Array.from(full.state));
    }
  });

  it('one day at a time, as the daily job runs, ends on the full pass state', () => {
    const bars = toBarColumns(sp500Bars('DHR'));
    const full = computeFeatures('DHR', bars);
    const st = newFeatureState();
    const row = new Float64Array(FEATURES.length);
    for (let i = 0; i < bars.days.length; i++) {
      stepFeatures(st, bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.close[i]!, bars.volume[i]!, row, 0, 1);
    }
    const last = bars.days.length - 1;
    FEATURES.forEach((f, k) => expect(row[k], f).toBe(featureValues(full, f)[last]));
    expect(barsSeen(st)).toBe(bars.days.length);
    expect(st.length).toBe(STATE_LENGTH);
  });

  it('a state of another layout is ignored: the pass starts fresh', () => {
    const bars = toBarColumns(sp500Bars('KO'));
    const fresh = computeFeatures('KO', bars);
    const stale = computeFeatures('KO', bars, new Float64Array(12));
    expect(Array.from(stale.values)).toEqual(Array.from(fresh.values));
  });
});

function sliceBars(b: ReturnType<typeof toBarColumns>, from: number, to: number): ReturnType<typeof toBarColumns> {
  return { days: b.days.slice(from, to), open: b.open.slice(from, to), high: b.high.slice(from, to), low: b.low.slice(from, to), close: b.close.slice(from, to), volume: b.volume.slice(from, to) };
}
