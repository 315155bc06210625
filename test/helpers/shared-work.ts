/** Set-up shared by the tests of work spread over several processes: 22 real S&P 500 symbols stored by the
 * real pipeline, and real `tiller worker` processes that have started. */
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createApp } from '../../src/main.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { eventually, startTiller, type TillerProcess } from './tiller-process.js';

export const UNIVERSE = ['AAPL', 'AMZN', 'BA', 'CAT', 'CVX', 'DIS', 'GE', 'HD', 'IBM', 'JNJ', 'JPM', 'KO', 'MCD', 'MMM', 'MRK', 'MSFT', 'NKE', 'PFE', 'PG', 'UNH', 'WMT', 'XOM'];

/** Run the pipeline for `UNIVERSE` with 1,100 days of history up to 2017-06-01 into the database of `env`. */
export async function storeUniverse(env: Record<string, string>): Promise<void> {
  const base = loadConfig({ env, dotenvDir: null });
  const app = await createApp({ ...base, marketData: { ...base.marketData, universe: UNIVERSE, historyDays: 1100 } }, {
    clock: new ManualClock(new Date('2017-06-01T22:00:00Z')), log: createLogger('silent'),
  });
  try {
    await app.handlers.pipeline('2017-06-01', 'test');
  } finally {
    await app.close();
  }
}

/** Start `n` `tiller worker` processes and wait until each says it started (its output in the error if not). */
export async function startWorkers(n: number, env: Record<string, string>): Promise<TillerProcess[]> {
  const workers = Array.from({ length: n }, () => startTiller(['worker'], env));
  await Promise.all(workers.map((w, i) => eventually(() => (w.stderr().includes('tiller started') ? true : undefined), 60_000, `worker ${i} to start`)
    .catch((err: Error) => { throw new Error(`${err.message}\n${w.stdout()}\n${w.stderr()}`); })));
  return workers;
}
