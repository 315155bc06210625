/** One pipeline measurement in its own process (so peak memory is its own): a fresh database, the first
 * BENCH_SYMBOLS symbols of the S&P 500 data (all when unset), a full run from empty and a second run with no
 * new data. Prints one JSON line. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createApp } from '../src/main.js';
import { createTestDatabase } from '../test/helpers/database.js';
import { SP500_DIR } from '../test/helpers/tiller-process.js';

const DATA_DIR = process.env.BENCH_DATA_DIR ?? SP500_DIR;
const all = readdirSync(path.join(DATA_DIR, 'daily')).map((f) => f.replace(/\.csv$/, '')).sort();
const n = Number(process.env.BENCH_SYMBOLS ?? all.length);
const universe = all.slice(0, n);
if (!universe.includes('AAPL')) universe.push('AAPL'); // the calendar symbol
const db = await createTestDatabase();
const base = loadConfig({ env: { DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: DATA_DIR, TILLER_VAR_DIR: path.join('/tmp', `tiller-bench-${process.pid}`) }, dotenvDir: null });
const app = await createApp({ ...base, marketData: { ...base.marketData, universe, historyDays: 3000 } }, { log: createLogger('silent'), progress: () => undefined });
try {
  let t = performance.now();
  const full = (await app.handlers.pipeline('2018-02-08', 'bench')) as Record<string, number>;
  const fullSeconds = (performance.now() - t) / 1000;
  const steps = Object.fromEntries((await app.repos.pipeline.lastRuns(1))[0]!.steps.map((s) => [s.step, s.seconds]));
  t = performance.now();
  await app.handlers.pipeline('2018-02-08', 'bench');
  const againSeconds = (performance.now() - t) / 1000;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  (globalThis as { gc?: () => void }).gc?.();
  const heapAfterGcMb = process.memoryUsage().heapUsed / 1e6;
  if (process.env.BENCH_KEEP_DB) console.error(`kept database ${db.url}`);
  console.log(JSON.stringify({ databaseUrl: process.env.BENCH_KEEP_DB ? db.url : undefined, symbols: universe.length, fullSeconds, againSeconds, steps, candles: full.candles, indicators: full.indicators, quarantined: full.quarantined, maxRssMb, heapAfterGcMb }));
} finally {
  await app.close();
  if (!process.env.BENCH_KEEP_DB) await db.drop();
}
process.exit(0);
