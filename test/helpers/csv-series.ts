/** Writes constructed daily series as SYMBOL.csv files in a temporary directory, for the real CSV provider. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type Bar = [day: string, open: number, high: number, low: number, close: number, volume?: number];

/** Writes each series to `dir` (a new temporary directory when absent) and returns the directory. */
export function writeSeries(series: Record<string, Bar[]>, dir = mkdtempSync(path.join(tmpdir(), 'tiller-csv-'))): string {
  for (const [symbol, bars] of Object.entries(series)) {
    const lines = ['date,open,high,low,close,volume', ...bars.map(([d, o, h, l, c, v]) => `${d},${o},${h},${l},${c},${v ?? 1_000_000}`)];
    writeFileSync(path.join(dir, `${symbol}.csv`), `${lines.join('\n')}\n`);
  }
  return dir;
}
