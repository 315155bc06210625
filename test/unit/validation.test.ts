import { describe, expect, it } from 'vitest';
import type { RawCandle } from '../../src/domain/types.js';
import { findGaps, isCalendarDay, rejectReason, validateCandles } from '../../src/market/validation.js';

const bar = (day: string, o: number | null, h: number | null, l: number | null, c: number | null, v: number | null = 100): RawCandle =>
  ({ symbol: 'X', day, open: o, high: h, low: l, close: c, volume: v });

describe('candle validation', () => {
  it('knows a calendar day as a round trip through Date does, for every month and day number of years around the leap rules', () => {
    const roundTrip = (s: string) => { const t = Date.parse(`${s}T00:00:00Z`); return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s; };
    let checked = 0;
    for (const y of [1, 1899, 1900, 1996, 2000, 2013, 2016, 2017, 2018, 2100, 2400, 9999]) {
      for (let m = 0; m <= 13; m++) {
        for (let d = 0; d <= 32; d++) {
          const s = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          expect(isCalendarDay(s), s).toBe(roundTrip(s));
          checked++;
        }
      }
    }
    expect(checked).toBe(12 * 14 * 33);
    for (const s of ['2017-1-03', '2017-01-3', '20170103', '2017-01-03T00:00', ' 2017-01-03', '0000-01-01', '2017-0a-03']) expect(isCalendarDay(s), s).toBe(false);
  });

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
