/** Every strategy's picks for both profiles on the 505-symbol universe (the real picks job: screening, the
 * baseline, the rules, every model kind and the ensemble, details, storage, CSV export), with an active model
 * of every kind. The models are trained first with small settings (and promoted whatever their figures): what
 * is measured is the daily picks, not the training. Beside it, in the same run: the matrix load the models'
 * scoring needs (one binary COPY of every bar, then the feature kernel), and a bare typed-array loop computing
 * 12-1 momentum for every symbol-day of that matrix. */
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createApp } from '../src/main.js';
import { ManualClock } from '../src/ports/clock.port.js';
import { createTestDatabase } from '../test/helpers/database.js';
import { SP500_DIR } from '../test/helpers/tiller-process.js';

const DAY = '2018-02-08';
const rssMb = () => process.resourceUsage().maxRSS / 1024;

export async function benchPicksAll(): Promise<void> {
  const db = await createTestDatabase();
  const base = loadConfig({ env: { DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, CONSOLE_CHAT: 'off', TILLER_VAR_DIR: `/tmp/tiller-bench-picks-${process.pid}` }, dotenvDir: null });
  const config = {
    ...base, marketData: { ...base.marketData, historyDays: 2000 },
    models: { ...base.models, testDays: 252, samples: 2000, epochs: 1, promotion: { minIcGain: -1, minTopNGain: -1 } },
  };
  const app = await createApp(config, { clock: new ManualClock(new Date(`${DAY}T12:00:00Z`)), log: createLogger('silent') });
  try {
    let t = performance.now();
    await app.handlers.pipeline(DAY, 'bench');
    console.log(`picks of every strategy and profile, 505 symbols; pipeline from empty ${((performance.now() - t) / 1000).toFixed(1)} s`);
    t = performance.now();
    const trained = (await app.handlers.train(DAY, 'bench')) as { models: Array<{ kind: string; status: string }> };
    console.log(`  models trained with small settings in ${((performance.now() - t) / 1000).toFixed(1)} s: ${trained.models.map((m) => `${m.kind} ${m.status}`).join(', ')}`);
    for (const run of ['first run', 'second run']) {
      t = performance.now();
      const r = (await app.handlers.picks(DAY, 'bench')) as { strategy: string; others: string[]; failed: unknown[]; screened: { symbols: number } };
      const s = (performance.now() - t) / 1000;
      console.log(`  picks job, ${run}: ${s.toFixed(2)} s for ${1 + r.others.length} strategies × 2 profiles (traded ${r.strategy}; ${r.failed.length} failed; ${r.screened.symbols} symbols screened); peak RSS ${rssMb().toFixed(0)} MB`);
    }
    t = performance.now();
    const m = await app.backtest.load();
    const loadS = (performance.now() - t) / 1000;
    t = performance.now();
    const S = m.symbols.length;
    const D = m.days.length;
    const out = new Float64Array(D * S).fill(Number.NaN);
    for (let d = 252; d < D; d++) {
      for (let s = 0; s < S; s++) {
        const near = m.close[(d - 21) * S + s]!;
        const far = m.close[(d - 252) * S + s]!;
        if (near > 0 && far > 0) out[d * S + s] = near / far - 1;
      }
    }
    const loopMs = performance.now() - t;
    console.log(`  same run: loading the matrix alone (${S} symbols × ${D} days, binary COPY + features) ${loadS.toFixed(2)} s; bare typed-array 12-1 momentum over it ${loopMs.toFixed(1)} ms`);
  } finally {
    await app.close();
    await db.drop();
  }
}
