import { describe, expect, it } from 'vitest';
import type { Candle } from '../../src/domain/types.js';
import { computeIndicators, featureColumn, FEATURES } from '../../src/market/indicators.js';

function series(closes: number[]): Candle[] {
  return closes.map((c, i) => ({ symbol: 'T', day: `2017-01-${String(i + 1).padStart(2, '0')}`, open: c, high: c + 1, low: c - 1, close: c, volume: 1000 }));
}

describe('indicators', () => {
  it('aligns values to the input and leaves warm-up days null', () => {
    const closes = Array.from({ length: 30 }, (_, i) => 100 + i);
    const rows = computeIndicators(series(closes));
    expect(rows).toHaveLength(30);
    expect(rows[18]!.sma20).toBeNull();
    // SMA20 on day 20 = mean of 100..119
    expect(rows[19]!.sma20).toBeCloseTo(109.5, 10);
    expect(rows[29]!.sma20).toBeCloseTo(119.5, 10);
    expect(rows[29]!.sma50).toBeNull();
    // ROC20 as a fraction: 129 / 109 - 1
    expect(rows[29]!.roc20).toBeCloseTo(129 / 109 - 1, 10);
    // A steadily rising series has RSI 100 and true range 2 every day (high - low), so ATR 2.
    expect(rows[29]!.rsi14).toBeCloseTo(100, 6);
    expect(rows[29]!.atr14).toBeCloseTo(2, 6);
  });

  it('computes Bollinger bands around the SMA', () => {
    const closes = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 10 : 12));
    const last = computeIndicators(series(closes)).at(-1)!;
    expect(last.bbMiddle).toBeCloseTo(11, 10);
    // population standard deviation of alternating 10/12 is 1, bands at ±2
    expect(last.bbUpper).toBeCloseTo(13, 6);
    expect(last.bbLower).toBeCloseTo(9, 6);
  });
});

describe('more features', () => {
  it('has at least 40 features, all with values once warmed up', () => {
    expect(FEATURES.length).toBeGreaterThanOrEqual(40);
    expect(featureColumn('macdHist')).toBe('macd_hist');
    const closes = Array.from({ length: 300 }, (_, i) => 100 + 10 * Math.sin(i / 7) + i / 10);
    const last = computeIndicators(series(closes)).at(-1)!;
    for (const f of FEATURES) expect(last[f], f).not.toBeNull();
  });

  it('computes OBV, rolling VWAP and candle patterns by their definitions', () => {
    const bars: Candle[] = [
      { symbol: 'T', day: '2017-01-02', open: 10, high: 11, low: 9, close: 10, volume: 100 },
      { symbol: 'T', day: '2017-01-03', open: 10, high: 12, low: 9, close: 11, volume: 200 }, // up: OBV +200
      { symbol: 'T', day: '2017-01-04', open: 11.5, high: 11.6, low: 8.8, close: 9.5, volume: 50 }, // down: OBV -50; bearish engulfing
      { symbol: 'T', day: '2017-01-05', open: 9.5, high: 9.6, low: 8, close: 9.52, volume: 10 }, // doji-like small body
    ];
    const rows = computeIndicators(bars);
    expect(rows.map((r) => r.obv)).toEqual([null, 200, 150, 160]);
    expect(rows[2]!.bearishEngulfing).toBe(1);
    expect(rows[3]!.doji).toBe(1);
    expect(rows[3]!.hammer).toBe(0);
  });
});
