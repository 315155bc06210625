/** One bad file or row never stops the day. A recorded-data folder holds 20 real S&P 500 files beside hostile
 * ones: a file name with a space, an empty file, random bytes, rows dated 2017-11-31, NaN, ±Infinity,
 * negative and non-numeric volume, high below low, duplicated and unordered dates, a future date, a 5 MB
 * line, a 5 MB file without a line break, missing and extra columns, prices of 1e150 and a volume of 1e300.
 * The real `tiller run pipeline` stores every good symbol and every good row, rejects each bad row with its
 * reason, names each unreadable file, ends `partial` with the count and a `pipeline_partial` alert, and exits
 * 0; the picks run after it; and no table holds a number that is not finite. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { runTillerToEnd, SP500_DIR } from '../helpers/tiller-process.js';

const GOOD = ['A', 'AAL', 'AAP', 'AAPL', 'ABBV', 'ABC', 'ABT', 'ACN', 'ADBE', 'ADI', 'ADM', 'ADP', 'ADS', 'ADSK', 'AEE', 'AEP', 'AES', 'AET', 'AFL', 'AIG'];
const FROM = '2017-01-03';
const AS_OF = '2017-12-29'; // the pipeline of 2018-01-02 reads up to the trading day before it
const HEADER = 'date,open,high,low,close,volume';

/** A real file's rows from FROM to AS_OF (header dropped). */
function realRows(symbol: string): string[] {
  return readFileSync(path.join(SP500_DIR, 'daily', `${symbol}.csv`), 'utf8').split('\n').slice(1)
    .filter((l) => l.slice(0, 10) >= FROM && l.slice(0, 10) <= AS_OF);
}

/** A quiet synthetic series on AAPL's trading days of the fourth quarter: `date,o,h,l,c,v` lines. */
function quietRows(): string[] {
  const days = realRows('AAPL').map((l) => l.slice(0, 10)).filter((d) => d >= '2017-10-02');
  return days.map((d, i) => {
    const px = 50 * (1 + 0.001 * i);
    return `${d},${px.toFixed(4)},${(px * 1.01).toFixed(4)},${(px * 0.99).toFixed(4)},${px.toFixed(4)},1000000`;
  });
}

/** Row `at` of quiet rows replaced by `line`, or inserted before it. */
function withRow(line: string, at: number, replace: boolean): string[] {
  const rows = quietRows();
  rows.splice(at, replace ? 1 : 0, line);
  return rows;
}

/** Deterministic bytes: NULs, quotes, commas, newlines and high bytes among them. */
function junkBytes(n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    b[i] = x >> 16;
  }
  return b;
}

const day = (i: number) => quietRows()[i]!.slice(0, 10);
const FIVE_MB = 'x'.repeat(5 * 1024 * 1024);

/** File name → contents; the expected rejected rows (reason by symbol) and unreadable files follow. */
function hostileFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tiller-hostile-'));
  mkdirSync(path.join(dir, 'daily'));
  const write = (name: string, body: string | Buffer) => writeFileSync(path.join(dir, 'daily', name), body);
  for (const s of GOOD) write(`${s}.csv`, [HEADER, ...realRows(s)].join('\n') + '\n');
  const csv = (rows: string[], header = HEADER) => [header, ...rows].join('\n') + '\n';
  write('A B.csv', csv(quietRows()));
  write('EMPTY.csv', '');
  write('BIN.csv', junkBytes(64 * 1024));
  write('BADDAY.csv', csv(withRow('2017-11-31,55,56,54,55,1000', quietRows().findIndex((l) => l.startsWith('2017-12-01')), false)));
  write('NANS.csv', csv(withRow(`${day(10)},50,51,49,NaN,1000`, 10, true).map((l, i) => (i === 20 ? `${day(20)},50,Infinity,49,50,1000` : i === 30 ? `${day(30)},-Infinity,51,49,50,1000` : l))));
  write('NEGVOL.csv', csv(withRow(`${day(5)},50,51,49,50,-5`, 5, true)));
  write('TXTVOL.csv', csv(withRow(`${day(5)},50,51,49,50,lots`, 5, true)));
  write('HILO.csv', csv(withRow(`${day(7)},50,49,51,50,1000`, 7, true)));
  write('DUPS.csv', csv(withRow(quietRows()[8]!, 9, false)));
  const unordered = quietRows();
  [unordered[12], unordered[13]] = [unordered[13]!, unordered[12]!];
  write('UNORD.csv', csv(unordered));
  write('FUTURE.csv', csv([...quietRows(), '2031-01-02,50,51,49,50,1000']));
  write('LONG.csv', csv(withRow(`${FIVE_MB},50,51,49,50,1000`, 15, false)));
  write('ONELINE.csv', FIVE_MB);
  write('MISSING.csv', csv(quietRows().map((l) => l.split(',').slice(0, 5).join(',')), 'date,open,high,low,close'));
  write('EXTRA.csv', csv(quietRows().map((l) => `${l},x,7`), `${HEADER},note,adj`));
  write('HUGE.csv', csv(withRow(`${day(3)},1e150,1e150,1e150,1e150,1000`, 3, true).map((l, i) => (i === 4 ? `${day(4)},50,51,49,50,1e300` : l))));
  return dir;
}

/** Rejected rows expected per symbol: [day as stored, reason]. */
const REJECTED: Record<string, Array<[string, string]>> = {
  BADDAY: [['2017-11-31', 'invalid date "2017-11-31" (not a calendar day)']],
  NANS: [[day(10), 'empty or non-numeric field: close'], [day(20), 'empty or non-numeric field: high'], [day(30), 'empty or non-numeric field: open']],
  NEGVOL: [[day(5), 'negative volume']],
  TXTVOL: [[day(5), 'empty or non-numeric field: volume']],
  HILO: [[day(7), 'high below low']],
  DUPS: [[day(8), 'duplicate date']],
  UNORD: [[day(12), 'out-of-order date']],
  LONG: [[`${'x'.repeat(39)}…`, `invalid date "${'x'.repeat(39)}…" (not a calendar day)`]],
  HUGE: [[day(3), "implausible open 1e+150: outside the market's price range [0.0001, 10000000]"], [day(4), "implausible volume 1e+300: above the market's 100000000000"]],
};
/** Files that cannot be read at all, with what the reason must say. */
const UNREADABLE: Record<string, string> = {
  'A B': 'invalid symbol "A B" (file "A B.csv")',
  EMPTY: 'header lacks column(s) date, open, high, low, close, volume (it has: nothing)',
  BIN: 'header lacks column(s) date, open, high, low, close, volume',
  ONELINE: `header lacks column(s) date, open, high, low, close, volume (it has: ${'x'.repeat(79)}…)`,
  MISSING: 'header lacks column(s) volume (it has: date,open,high,low,close)',
};
const QUIET_ROWS = quietRows().length;

describe('a recorded-data folder with hostile files', () => {
  let db: TestDatabase;
  let sql: pg.Client;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase();
    const dir = hostileFolder();
    env = { DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: dir, CONSOLE_CHAT: 'off', TILLER_VAR_DIR: path.join(dir, 'var') };
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  }, 30_000);
  afterAll(async () => {
    await sql?.end();
    await db?.drop();
  });

  it('stores every good symbol and row, names every bad one, ends partial with an alert, and exits 0', async () => {
    const run = await runTillerToEnd(['run', 'pipeline', '--day', '2018-01-02'], env);
    expect(run.stderr).toContain('tiller: pipeline partial: 5 symbol(s) not stored, the others were');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(run.code).toBe(0);

    const stored = new Map((await sql.query<{ symbol: string; n: number; last: string }>(
      "select symbol, count(*)::int as n, to_char(max(day), 'YYYY-MM-DD') as last from candles group by symbol",
    )).rows.map((r) => [r.symbol, r]));
    for (const s of GOOD) expect(stored.get(s)?.n, s).toBe(realRows(s).length);
    // Rows replaced by a bad one are missing; a bad row added beside the good ones takes nothing away.
    const lost = { BADDAY: 0, NANS: 3, NEGVOL: 1, TXTVOL: 1, HILO: 1, DUPS: 0, UNORD: 1, LONG: 0, HUGE: 2 };
    for (const [s, k] of Object.entries(lost)) expect(stored.get(s)?.n, s).toBe(QUIET_ROWS - k);
    expect(stored.get('EXTRA')?.n).toBe(QUIET_ROWS);
    expect(stored.get('FUTURE')).toMatchObject({ n: QUIET_ROWS, last: AS_OF });
    for (const s of Object.keys(UNREADABLE)) expect(stored.has(s), s).toBe(false);

    const rejected = (await sql.query<{ symbol: string; day: string; reason: string }>(
      "select symbol, day, reason from quarantine where kind = 'rejected' order by symbol, day, reason",
    )).rows;
    const rows = rejected.filter((r) => !r.reason.startsWith('symbol not stored'));
    const want = Object.entries(REJECTED).flatMap(([symbol, list]) => list.map(([d, reason]) => ({ symbol, day: d, reason })));
    const order = (a: { symbol: string; day: string; reason: string }, b: typeof a) => (a.symbol + a.day + a.reason < b.symbol + b.day + b.reason ? -1 : 1);
    expect(rows.sort(order)).toEqual(want.sort(order));
    const files = rejected.filter((r) => r.reason.startsWith('symbol not stored'));
    expect(files.map((r) => r.symbol).sort()).toEqual(Object.keys(UNREADABLE).sort());
    for (const f of files) {
      expect(f.day).toBe(AS_OF);
      expect(f.reason, f.symbol).toContain(UNREADABLE[f.symbol]);
      expect(f.reason.length, f.symbol).toBeLessThan(400);
    }

    const runs = (await sql.query<{ status: string; error: string }>('select status, error from pipeline_runs order by id')).rows;
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('partial');
    expect(runs[0]!.error).toMatch(/^5 of 36 symbol\(s\) not stored: A B \(invalid symbol "A B"/);
    const alerts = (await sql.query<{ type: string; payload: { failed: number; symbols: number; day: string; examples: string[] } }>(
      "select type, payload from alert_outbox where type in ('pipeline_partial', 'job_failed')",
    )).rows;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ type: 'pipeline_partial', payload: { failed: 5, symbols: 36, day: AS_OF } });
    expect(alerts[0]!.payload.examples.map((x) => x.split(':')[0])).toEqual(['A B', 'BIN', 'EMPTY', 'MISSING', 'ONELINE']);
  }, 180_000);

  it('the picks run after it, and no table holds a number that is not finite', async () => {
    const picks = await runTillerToEnd(['run', 'picks', '--day', '2018-01-02'], env);
    expect(picks.stderr).not.toMatch(/\n\s+at /);
    expect(picks.code).toBe(0);
    const n = (await sql.query<{ n: number }>("select count(*)::int as n from picks where day = '2018-01-02'")).rows[0]!.n;
    expect(n).toBeGreaterThan(0);
    const cols = (await sql.query<{ t: string; c: string }>(
      "select table_name as t, column_name as c from information_schema.columns where table_schema = 'public' and data_type in ('double precision', 'real', 'numeric')",
    )).rows;
    expect(cols.length).toBeGreaterThan(50);
    const bad: string[] = [];
    for (const { t, c } of cols) {
      const r = await sql.query<{ n: number }>(`select count(*)::int as n from "${t}" where "${c}" in ('Infinity', '-Infinity', 'NaN')`);
      if (r.rows[0]!.n > 0) bad.push(`${t}.${c}: ${r.rows[0]!.n}`);
    }
    expect(bad).toEqual([]);
  }, 180_000);
});
