/** The columnar ingest path (CSV text → columns → validation → COPY) gives the same values as the row path it
 * replaced: parsed cells equal Number()'s, dates count days as Date does, ranges of a file equal its rows. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellNumber, numberOrNull, parseBarCsv, parseCsv } from '../../src/adapters/market-data/csv-parse.js';
import { CsvMarketData } from '../../src/adapters/market-data/csv.market-data.js';
import { epochDayOf } from '../../src/market/market-time.js';
import { SP500_DIR } from '../helpers/tiller-process.js';

const FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;
type Row = { day: string } & Record<(typeof FIELDS)[number], number>;

/** The row path: split cells, Number() each. */
function byRows(text: string): Row[] {
  const rows = parseCsv(text);
  const header = rows.shift()!.map((h) => h.trim().toLowerCase());
  return rows.map((r) => ({
    day: (r[header.indexOf('date')] ?? '').trim(),
    ...Object.fromEntries(FIELDS.map((k) => [k, header.indexOf(k) < 0 ? Number.NaN : (numberOrNull(r[header.indexOf(k)]) ?? Number.NaN)])),
  }) as Row);
}

function byColumns(text: string) {
  const b = parseBarCsv(text);
  return b.days.map((day, i) => ({ day, ...Object.fromEntries(FIELDS.map((k) => [k, b[k][i]])) }));
}

describe('columnar ingest', () => {
  it('reads every recorded S&P 500 file to the same days and numbers as splitting rows and Number()', () => {
    const files = readdirSync(path.join(SP500_DIR, 'daily')).filter((f) => f.endsWith('.csv'));
    expect(files.length).toBeGreaterThan(500);
    let rows = 0;
    for (const f of files) {
      const text = readFileSync(path.join(SP500_DIR, 'daily', f), 'utf8');
      const want = byRows(text);
      expect(byColumns(text), f).toEqual(want);
      rows += want.length;
    }
    expect(rows).toBeGreaterThan(600_000);
  });

  it('reads odd cells as Number() does: signs, spaces, exponents, long digit strings, junk, CRLF, quotes, missing and extra columns', () => {
    const cells = ['0', '-0', '12', '-4.5', '5.', '.5', '.', '-', '', ' ', ' 7 ', '1e3', '1E-2', '0x10', '1,5', 'abc', '12abc', 'Infinity', '-Infinity', 'NaN',
      '0.1', '0.30000000000000004', '123456789012345', '1234567890123456', '12345678901234567890', '0.000001', '1.0000000000000002', '9007199254740993', '3.14159265358979'];
    for (const c of cells) {
      const text = `x${c}y`;
      expect(Object.is(cellNumber(text, 1, 1 + c.length), numberOrNull(c) ?? Number.NaN), JSON.stringify(c)).toBe(true);
    }
    const text = 'Volume,Close,Date,Extra\r\n100,10.5,2017-01-03,zz\r\n\r\n,11,2017-01-04\n7\n';
    expect(byColumns(text)).toEqual(byRows(text));
    expect(byColumns(text).map((r) => r.day)).toEqual(['2017-01-03', '2017-01-04', '']);
    const quoted = 'date,open,high,low,close,volume\n"2017-01-03","1","2","0.5","1.5","10"\n';
    expect(byColumns(quoted)).toEqual(byRows(quoted));
    expect(() => parseBarCsv('day,price\n2017-01-03,1\n')).toThrow('header needs at least date and close columns');
  });

  it('counts days from 1970-01-01 as Date does, and refuses what is not a calendar day', () => {
    for (let t = Date.UTC(1, 0, 1) + 0; t <= Date.UTC(9999, 11, 31); t += 86_400_000 * 997) {
      const day = new Date(t).toISOString().slice(0, 10);
      expect(epochDayOf(day), day).toBe(t / 86_400_000);
    }
    for (let t = Date.UTC(1999, 0, 1); t <= Date.UTC(2031, 0, 1); t += 86_400_000) {
      expect(epochDayOf(new Date(t).toISOString().slice(0, 10))).toBe(t / 86_400_000);
    }
    for (const s of ['2017-11-31', '2017-02-29', '1900-02-29', '2017-13-01', '2017-00-10', '2017-01-00', '0000-01-01', '2017-1-01', '2017/01/01', '2017-01-0a']) expect(epochDayOf(s), s).toBeNull();
    expect(epochDayOf('2000-02-29')).toBe(Date.UTC(2000, 1, 29) / 86_400_000);
  });

  it('serves a range of a sorted file and of an unsorted one as the same rows, with the file order kept', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tiller-cols-'));
    try {
      writeFileSync(path.join(dir, 'S.csv'), 'date,open,high,low,close,volume\n2017-01-03,1,2,0.5,1,10\n2017-01-04,2,3,1,2,20\n2017-01-05,3,4,2,3,30\n2017-01-06,4,5,3,4,40\n');
      writeFileSync(path.join(dir, 'U.csv'), 'date,open,high,low,close,volume\n2017-01-05,3,4,2,3,30\n2017-01-03,1,2,0.5,1,10\n2017-01-06,4,5,3,4,40\n2017-01-04,2,3,1,,20\n');
      const md = new CsvMarketData(dir, 'S');
      for (const symbol of ['S', 'U']) {
        for (const [from, to] of [['2017-01-04', '2017-01-05'], ['2017-01-01', '2017-01-31'], ['2017-01-06', '2017-01-06'], ['2017-01-07', '2017-01-09'], ['2017-01-04', '2017-01-04T']]) {
          const cols = await md.getDailyColumns(symbol, from!, to!);
          const rows = await md.getDailyCandles(symbol, from!, to!);
          const all = byRows(readFileSync(path.join(dir, `${symbol}.csv`), 'utf8')).filter((r) => r.day >= from! && r.day <= to!);
          expect(cols.days, `${symbol} ${from}..${to}`).toEqual(all.map((r) => r.day));
          expect(Array.from(cols.close)).toEqual(all.map((r) => r.close));
          expect(rows.map((r) => r.close)).toEqual(all.map((r) => (Number.isNaN(r.close) ? null : r.close)));
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
