/** Impossible input in the files: a row dated on a day the calendar does not have (2017-11-31: JavaScript
 * rolls it over to December 1, PostgreSQL refuses it) is rejected with its reason while every other row and
 * symbol is stored; a volume so large that the 20-day turnover overflows stores NULL, never Infinity. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories } from '../../db/repositories/index.js';
import { CsvMarketData } from '../../src/adapters/market-data/csv.market-data.js';
import { DEFAULT_BAR_LIMITS } from '../../src/market/validation.js';
import { PipelineService } from '../../src/pipeline/pipeline.service.js';
import { openMigratedDatabase } from '../helpers/database.js';
import { weekdayBars, writeSeries, type Bar } from '../helpers/csv-series.js';

/** Weekdays from 2017-10-02 to 2017-12-29, a gentle drift. */
const bars = (start: number): Bar[] => weekdayBars('2017-10-02', '2017-12-29', (n) => start * 1.001 ** (n + 1));

describe('pipeline and impossible dates', () => {
  let t: Awaited<ReturnType<typeof openMigratedDatabase>>;
  beforeAll(async () => {
    t = await openMigratedDatabase();
  });
  afterAll(() => t.drop());

  it('rejects the row dated 2017-11-31 with its reason and stores everything else', async () => {
    const bad = bars(50);
    const at = bad.findIndex((b) => b[0] === '2017-12-01');
    bad.splice(at, 0, ['2017-11-31', 55, 56, 54, 55]);
    const dir = writeSeries({ AAA: bars(20), BBB: bad, CCC: bars(80) });
    const repos = createRepositories(t.handle.db, t.handle.pool);
    const settings = { universe: ['AAA', 'BBB', 'CCC'], historyDays: 120, featureHistoryDays: 0, maxAttempts: 1, retryDelayMs: 1, limits: DEFAULT_BAR_LIMITS };
    const result = await new PipelineService(repos, new CsvMarketData(dir, 'AAA'), settings).run('2017-12-29', 'test');
    expect(result.symbols).toBe(3);
    const q = await t.handle.db.selectFrom('quarantine').select(['symbol', 'day', 'reason', 'kind']).where('kind', '=', 'rejected').execute();
    expect(q).toEqual([{ symbol: 'BBB', day: '2017-11-31', reason: 'invalid date "2017-11-31" (not a calendar day)', kind: 'rejected' }]);
    const stored = await t.handle.db.selectFrom('candles').select(['symbol', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('symbol').orderBy('symbol').execute();
    const n = bars(20).length;
    expect(stored.map((r) => [r.symbol, Number(r.n)])).toEqual([['AAA', n], ['BBB', n], ['CCC', n]]);
  });

  // The volume bound (pipeline.maxVolume) rejects such a bar first; lifted here to reach the last line of defence.
  it('stores no Infinity: a 20-day turnover that overflows (volume 1e308, the volume bound lifted) is stored as NULL', async () => {
    const huge = bars(50).map(([d, o, h, l, c]): Bar => [d, o, h, l, c, 1e308]);
    const dir = writeSeries({ AAA: bars(20), HUGE: huge });
    const repos = createRepositories(t.handle.db, t.handle.pool);
    const settings = { universe: ['AAA', 'HUGE'], historyDays: 120, featureHistoryDays: 0, maxAttempts: 1, retryDelayMs: 1, limits: { ...DEFAULT_BAR_LIMITS, maxVolume: Number.MAX_VALUE } };
    await new PipelineService(repos, new CsvMarketData(dir, 'AAA'), settings).run('2017-12-29', 'test');
    const m = await t.handle.db.selectFrom('instrument_metrics').select(['symbol', 'avg_turnover20']).where('day', '=', '2017-12-29').where('symbol', 'in', ['AAA', 'HUGE']).orderBy('symbol').execute();
    expect(m.map((r) => r.symbol)).toEqual(['AAA', 'HUGE']);
    expect(Number.isFinite(Number(m[0]!.avg_turnover20))).toBe(true);
    expect(m[1]!.avg_turnover20).toBeNull();
    const inf = await t.handle.db.selectFrom('instrument_metrics').select('symbol').where('avg_turnover20', '=', Number.POSITIVE_INFINITY).execute();
    expect(inf).toEqual([]);
  });
});
