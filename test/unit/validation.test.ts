import { describe, expect, it } from 'vitest';
import type { RawCandle } from '../../src/domain/types.js';
import { rejectReason, validateCandles } from '../../src/market/validation.js';

const bar = (day: string, o: number | null, h: number | null, l: number | null, c: number | null, v: number | null = 100): RawCandle =>
  ({ symbol: 'X', day, open: o, high: h, low: l, close: c, volume: v });

describe('candle validation', () => {
  it('gives a reason for each kind of bad row', () => {
    expect(rejectReason(bar('2017-01-03', null, null, null, 10))).toBe('empty or non-numeric field: open, high, low');
    expect(rejectReason(bar('2017-01-03', 10, 9, 11, 10))).toBe('high below low');
    expect(rejectReason(bar('2017-01-03', 10, 11, 9, 12))).toBe('close outside [low, high]');
    expect(rejectReason(bar('2017-01-03', 0, 11, 9, 10))).toBe('non-positive price');
    expect(rejectReason(bar('2017-13-45', 10, 11, 9, 10))).toBe('invalid date');
    expect(rejectReason(bar('2017-01-03', 10, 11, 9, 10, -1))).toBe('negative volume');
    expect(rejectReason(bar('2017-01-03', 10, 11, 9, 10))).toBeNull();
  });

  it('rejects duplicate and out-of-order dates but keeps the rest', () => {
    const { valid, rejected } = validateCandles([
      bar('2017-01-03', 10, 11, 9, 10), bar('2017-01-03', 10, 11, 9, 10), bar('2017-01-05', 10, 11, 9, 10), bar('2017-01-04', 10, 11, 9, 10),
    ]);
    expect(valid.map((v) => v.day)).toEqual(['2017-01-03', '2017-01-05']);
    expect(rejected.map((r) => r.reason)).toEqual(['duplicate date', 'out-of-order date']);
  });
});
