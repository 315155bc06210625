/** PostgreSQL's own bulk-load speed on this machine, as the ceiling for the pipeline: COPY of all S&P 500
 * candle rows into a bare table with the candles' primary key, and into a table as wide as the indicators. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { copyLines } from '../db/copy.js';
import { createTestDatabase } from '../test/helpers/database.js';
import { SP500_DIR } from '../test/helpers/tiller-process.js';

export async function copyBaseline(): Promise<{ rows: number; narrowRowsPerSecond: number; wideRowsPerSecond: number; wideColumns: number }> {
  const db = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  try {
    const lines: string[] = [];
    for (const f of readdirSync(path.join(SP500_DIR, 'daily'))) {
      const symbol = f.replace(/\.csv$/, '');
      for (const l of readFileSync(path.join(SP500_DIR, 'daily', f), 'utf8').trim().split('\n').slice(1)) {
        const c = l.split(',');
        if (c.some((x) => x === '')) continue;
        lines.push(`${symbol}\t${c.join('\t')}\n`);
      }
    }
    await pool.query('create table narrow (symbol text, day date, open float8, high float8, low float8, close float8, volume float8, primary key (symbol, day))');
    let t = performance.now();
    await copyLines(pool, 'narrow', ['symbol', 'day', 'open', 'high', 'low', 'close', 'volume'], lines);
    const narrow = (performance.now() - t) / 1000;
    const wideColumns = 54;
    const extra = Array.from({ length: wideColumns - 5 }, (_, i) => `f${i}`);
    await pool.query(`create table wide (symbol text, day date, ${['open', 'high', 'low', 'close', 'volume', ...extra].map((c) => `${c} float8`).join(', ')}, primary key (symbol, day))`);
    const wideLines = lines.map((l) => `${l.slice(0, -1)}${'\t1.2345678'.repeat(extra.length)}\n`);
    t = performance.now();
    await copyLines(pool, 'wide', ['symbol', 'day', 'open', 'high', 'low', 'close', 'volume', ...extra], wideLines);
    const wide = (performance.now() - t) / 1000;
    return { rows: lines.length, narrowRowsPerSecond: lines.length / narrow, wideRowsPerSecond: lines.length / wide, wideColumns: wideColumns + 2 };
  } finally {
    await pool.end();
    await db.drop();
  }
}
