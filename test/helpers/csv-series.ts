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

/** A bar for each weekday from `from` to `to` (both included), the n-th (from 0) at `price(n)`: open and close at
 * it, the high 1 % above and the low 1 % below. */
export function weekdayBars(from: string, to: string, price: (n: number) => number): Bar[] {
  const out: Bar[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const day = new Date(t);
    if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
    const px = price(out.length);
    out.push([day.toISOString().slice(0, 10), px, px * 1.01, px * 0.99, px]);
  }
  return out;
}
