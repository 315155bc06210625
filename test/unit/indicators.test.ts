import { describe, expect, it } from 'vitest';
import type { Candle } from '../../src/domain/types.js';
import { computeIndicators } from '../../src/market/indicators.js';

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
