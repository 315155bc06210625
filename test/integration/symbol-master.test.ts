/** The symbol master: the weekly `symbols` job lists the provider's symbols and stores them; the daily pipeline
 * uses the stored master while it is fresh (a symbol listed since then waits for the next refresh) and lists
 * the provider itself when the master is older than `marketData.symbolsMaxAgeDays` or absent. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories } from '../../db/repositories/index.js';
import { CsvMarketData } from '../../src/adapters/market-data/csv.market-data.js';
import { DEFAULT_BAR_LIMITS } from '../../src/market/validation.js';
import { PipelineService } from '../../src/pipeline/pipeline.service.js';
import { openMigratedDatabase } from '../helpers/database.js';
import { weekdayBars, writeSeries, type Bar } from '../helpers/csv-series.js';

/** Weekdays of December 2017 to the 29th at a steady price. */
const december = (px: number): Bar[] => weekdayBars('2017-12-01', '2017-12-29', () => px);

describe('symbol master', () => {
  let t: Awaited<ReturnType<typeof openMigratedDatabase>>;
  beforeAll(async () => {
    t = await openMigratedDatabase();
  });
  afterAll(() => t.drop());

  it('the pipeline reads the fresh stored master, the symbols job refreshes it, and a stale master is refreshed by the pipeline', async () => {
    const repos = createRepositories(t.handle.db, t.handle.pool);
    const settings = { universe: [], symbolsMaxAgeDays: 8, historyDays: 60, featureHistoryDays: 0, maxAttempts: 1, retryDelayMs: 1, limits: DEFAULT_BAR_LIMITS };
    const dir = writeSeries({ AAA: december(20), BBB: december(30) });
    const pipeline = () => new PipelineService(repos, new CsvMarketData(dir, 'AAA'), settings);
    const stored = async () => (await repos.instruments.list()).map((i) => i.symbol);

    // Nothing stored: the pipeline lists the provider.
    expect(await pipeline().run('2017-12-27', 'test')).toMatchObject({ symbolMaster: 'refreshed', symbols: 2 });
    // CCC is listed afterwards: the fresh master does not have it yet, so the pipeline does not fetch it.
    writeSeries({ CCC: december(40) }, dir);
    expect(await pipeline().run('2017-12-28', 'test')).toMatchObject({ symbolMaster: 'stored', symbols: 2 });
    expect(await stored()).toEqual(['AAA', 'BBB']);
    // The weekly job brings it in; the next pipeline run fetches its history.
    expect(await pipeline().refreshSymbols()).toEqual({ listed: 3, stored: 3, added: ['CCC'] });
    expect(await pipeline().run('2017-12-29', 'test')).toMatchObject({ symbolMaster: 'stored', symbols: 3 });
    const ccc = await t.handle.db.selectFrom('candles').select((eb) => eb.fn.countAll<string>().as('n')).where('symbol', '=', 'CCC').executeTakeFirstOrThrow();
    expect(Number(ccc.n)).toBe(21); // every weekday of December to the 29th
    // A master older than symbolsMaxAgeDays: the pipeline lists the provider again.
    writeSeries({ DDD: december(50) }, dir);
    await t.handle.pool.query(`update instruments set updated_at = now() - interval '9 days'`);
    expect(await pipeline().run('2017-12-29', 'test')).toMatchObject({ symbolMaster: 'refreshed', symbols: 4 });
    expect(await stored()).toEqual(['AAA', 'BBB', 'CCC', 'DDD']);
  });
});
