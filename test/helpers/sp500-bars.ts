/** Real daily bars of one S&P 500 symbol from ../shared/data, for unit tests of computations over series.
 * Rows with an empty field or contradictory prices are skipped, as the pipeline's validation rejects them. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Candle } from '../../src/domain/types.js';
import { SP500_DIR } from './tiller-process.js';

export function sp500Bars(symbol: string): Candle[] {
  const text = readFileSync(path.join(SP500_DIR, 'daily', `${symbol}.csv`), 'utf8');
  const out: Candle[] = [];
  for (const line of text.trim().split('\n').slice(1)) {
    const [day, ...cells] = line.split(',');
    if (!day || cells.length < 5 || cells.some((c) => c.trim() === '')) continue;
    const [open, high, low, close, volume] = cells.map(Number) as [number, number, number, number, number];
    if (!(low <= Math.min(open, close) && high >= Math.max(open, close) && low > 0)) continue;
    out.push({ symbol, day, open, high, low, close, volume });
  }
  return out;
}
