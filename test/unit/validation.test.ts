import { describe, expect, it } from 'vitest';
import type { RawCandle } from '../../src/domain/types.js';
import { findGaps, rejectReason, validateCandles } from '../../src/market/validation.js';

const bar = (day: string, o: number | null, h: number | null, l: number | null, c: number | null, v: number | null = 100): RawCandle =>
  ({ symbol: 'X', day, open: o, high: h, low: l, close: c, volume: v });

describe('candle validation', () => {
  it('gives a reason for each kind of bad row', () => {
    expect(rejectReason(bar('2017-01-03', null, null, null, 10))).toBe('empty or non-numeric field: open, high, low');
    expect(rejectReason(bar('2017-01-03', 10, 9, 11, 10))).toBe('high below low');
    expect(rejectReason(bar('2017-01-03', 10, 11, 9, 12))).toBe('close outside [low, high]');
    expect(rejectReason(bar('2017-01-03', 0, 11, 9, 10))).toBe('non-positive price');
    expect(rejectReason(bar('2017-13-45', 10, 11, 9, 10))).toBe('invalid date "2017-13-45" (not a calendar day)');
    // JavaScript's date parsing rolls these over to the next month; PostgreSQL refuses them.
    expect(rejectReason(bar('2017-11-31', 10, 11, 9, 10))).toBe('invalid date "2017-11-31" (not a calendar day)');
    expect(rejectReason(bar('2017-02-29', 10, 11, 9, 10))).toBe('invalid date "2017-02-29" (not a calendar day)');
    expect(rejectReason(bar('2016-02-29', 10, 11, 9, 10))).toBeNull();
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

describe('price moves and gaps', () => {
  const b = (day: string, c: number) => bar(day, c, c * 1.01, c * 0.99, c);

  it('rejects a spike that the next day undoes, but keeps a lasting big move', () => {
    const v = validateCandles;
    const spike = v([b('2017-01-03', 100), b('2017-01-04', 50), b('2017-01-05', 101)]);
    expect(spike.valid.map((x) => x.day)).toEqual(['2017-01-03', '2017-01-05']);
    expect(spike.rejected.map((r) => r.reason)).toEqual(['price spike: close -50.0 %, undone the next day']);
    const lasting = v([b('2017-01-03', 100), b('2017-01-04', 50), b('2017-01-05', 52)]);
    expect(lasting.rejected).toEqual([]);
  });

  it('rejects a one-day move beyond the limit, measured from the last stored close', () => {
    const v = validateCandles;
    const r = v([b('2017-01-04', 200)], 100);
    expect(r.rejected.map((x) => x.reason)).toEqual(['extreme jump: close +100.0 % in a day without a split']);
    expect(v([b('2017-01-04', 160)], 100).rejected).toEqual([]);
  });

  it('finds days of the calendar missing between stored days', () => {
    const cal = ['2017-01-03', '2017-01-04', '2017-01-05', '2017-01-06', '2017-01-09'];
    expect(findGaps(['2017-01-03', '2017-01-06', '2017-01-09'], cal)).toEqual([{ day: '2017-01-06', missing: 2, after: '2017-01-03' }]);
  });
});
