/** The daily indicators step continues from the saved kernel state and stores exactly what one full pass
 * stores: two databases, one filled a day at a time over the last 15 trading days of the S&P 500 files
 * (plus a late-listed symbol and one with dirt), one in a single run; their indicator tables are equal to
 * the bit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createRepositories } from '../../db/repositories/index.js';
import { CsvMarketData } from '../../src/adapters/market-data/csv.market-data.js';
import { DEFAULT_BAR_LIMITS } from '../../src/market/validation.js';
import { PipelineService } from '../../src/pipeline/pipeline.service.js';
import { openMigratedDatabase } from '../helpers/database.js';
import { sp500Bars } from '../helpers/sp500-bars.js';
import { SP500_DIR } from '../helpers/tiller-process.js';

const UNIVERSE = ['AAPL', 'BHF', 'DHR', 'KO', 'MSFT', 'XOM'];
const settings = { universe: UNIVERSE, historyDays: 3000, featureHistoryDays: 0, maxAttempts: 1, retryDelayMs: 1, limits: DEFAULT_BAR_LIMITS };

describe('incremental features', () => {
  let daily: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let once: Awaited<ReturnType<typeof openMigratedDatabase>>;
  const days = sp500Bars('AAPL').map((b) => b.day).slice(-15);

  beforeAll(async () => {
    [daily, once] = await Promise.all([openMigratedDatabase(), openMigratedDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([daily?.drop(), once?.drop()]);
  });

  const dump = async (h: typeof daily) =>
    (await sql<Record<string, unknown>>`select * from indicators order by symbol, day`.execute(h.handle.db)).rows;

  it('a day at a time equals one full run, to the bit', async () => {
    const market = new CsvMarketData(SP500_DIR, 'AAPL');
    const dailyRepos = createRepositories(daily.handle.db, daily.handle.pool);
    const pipeline = new PipelineService(dailyRepos, market, settings);
    for (const day of days) await pipeline.run(day, 'test');
    // every symbol continued from a state saved as of its last day
    const states = await dailyRepos.indicators.states(UNIVERSE);
    expect([...states.values()].map((s) => s.day)).toEqual(UNIVERSE.map(() => days.at(-1)));

    await new PipelineService(createRepositories(once.handle.db, once.handle.pool), market, settings).run(days.at(-1)!, 'test');
    // A standing fact (a provider's swapped 52-week columns) is noted once, not again on every daily run.
    const notes = await sql<{ symbol: string; n: number }>`select symbol, count(*)::int as n from quarantine
      where reason like '52-week low%' group by symbol order by symbol`.execute(daily.handle.db);
    expect(notes.rows.length).toBeGreaterThan(0);
    expect(notes.rows.filter((r) => r.n > 1)).toEqual([]);
    // Unchanged fundamentals (the recorded CSV's are one snapshot) are stored once, not once a day.
    const f = await sql<{ n: number }>`select count(*)::int as n from fundamentals`.execute(daily.handle.db);
    expect(f.rows[0]!.n).toBe(UNIVERSE.length);
    const [a, b] = [await dump(daily), await dump(once)];
    expect(a.length).toBeGreaterThan(5 * 1200);
    expect(a).toEqual(b);
    // Derived metrics from the bars kept in memory between days equal those read fresh in one run.
    const metrics = (h: typeof daily) => sql<Record<string, unknown>>`select * from instrument_metrics where day = ${days.at(-1)!} order by symbol`.execute(h.handle.db).then((r) => r.rows);
    const [ma, mb] = [await metrics(daily), await metrics(once)];
    expect(ma).toHaveLength(UNIVERSE.length);
    expect(ma).toEqual(mb);
  });

  it('a symbol whose state is missing is recomputed from its first bar, with the same values', async () => {
    const repos = createRepositories(daily.handle.db, daily.handle.pool);
    const before = await dump(daily);
    await sql`delete from feature_state where symbol = 'DHR'`.execute(daily.handle.db);
    await sql`delete from indicators where symbol = 'DHR' and day >= ${days.at(-3)!}`.execute(daily.handle.db);
    // Its last bars arrive in this run too: the run holds only those in memory, the rest is read back.
    await sql`delete from candles where symbol = 'DHR' and day >= ${days.at(-3)!}`.execute(daily.handle.db);
    const r = await new PipelineService(repos, new CsvMarketData(SP500_DIR, 'AAPL'), settings).run(days.at(-1)!, 'test');
    expect(r.candles).toBe(3);
    expect(r.indicators).toBe(3);
    expect(await dump(daily)).toEqual(before);
  });
});
