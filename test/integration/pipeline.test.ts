/** The pipeline on real PostgreSQL with the real S&P 500 files that carry dirt: every bad row is
 * quarantined with its reason, a re-run stores nothing twice, and a temporary failure is retried. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories } from '../../db/repositories/index.js';
import { CsvMarketData } from '../../src/adapters/market-data/csv.market-data.js';
import { TemporaryError } from '../../src/domain/errors.js';
import type { Instrument } from '../../src/domain/types.js';
import { PipelineService } from '../../src/pipeline/pipeline.service.js';
import type { Repositories } from '../../src/ports/repositories.port.js';
import { openMigratedDatabase } from '../helpers/database.js';
import { SP500_DIR } from '../helpers/tiller-process.js';

const DIRTY = ['BHF', 'DHR', 'ES', 'FTV', 'O', 'REGN', 'UA', 'VRTX', 'WRK'];
const UNIVERSE = [...DIRTY, 'AAPL'];

/** A provider whose symbol list fails a given number of times first, as a flaky network would. */
class FlakyCsv extends CsvMarketData {
  failures: number;
  constructor(failures: number) {
    super(SP500_DIR, 'AAPL');
    this.failures = failures;
  }
  override async listInstruments(): Promise<Instrument[]> {
    if (this.failures-- > 0) throw new TemporaryError('connection reset');
    return super.listInstruments();
  }
}

describe('data pipeline', () => {
  let t: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let repos: Repositories;
  const settings = { universe: UNIVERSE, historyDays: 2000, maxAttempts: 3, retryDelayMs: 1 };

  beforeAll(async () => {
    t = await openMigratedDatabase();
    repos = createRepositories(t.handle.db);
  });
  afterAll(() => t.drop());

  it('retries a step that fails twice, then loads everything and quarantines every row with empty fields', async () => {
    const pipeline = new PipelineService(repos, new FlakyCsv(2), settings);
    const r = await pipeline.run('2018-02-07', 'test');
    const runs = await repos.pipeline.lastRuns(1);
    expect(runs[0]!.status).toBe('succeeded');
    expect(runs[0]!.steps.map((s) => [s.step, s.attempt, s.status])).toEqual([
      ['universe', 1, 'failed'], ['universe', 2, 'failed'], ['universe', 3, 'succeeded'],
      ['candles', 1, 'succeeded'], ['indicators', 1, 'succeeded'], ['validation', 1, 'succeeded'],
    ]);
    expect(r.symbols).toBe(UNIVERSE.length);

    // Every row of the source files with an empty field is in quarantine with that reason.
    const expected: string[] = [];
    for (const s of DIRTY) {
      const lines = readFileSync(path.join(SP500_DIR, 'daily', `${s}.csv`), 'utf8').split('\n').slice(1);
      for (const l of lines) if (l.includes(',,') || l.endsWith(',')) expected.push(`${s} ${l.split(',')[0]}`);
    }
    expect(expected).toHaveLength(11); // the data README counts 11 such rows in these 9 files
    const q = await t.handle.db.selectFrom('quarantine').select(['symbol', 'day', 'reason']).execute();
    const emptyField = q.filter((x) => x.reason.startsWith('empty or non-numeric field')).map((x) => `${x.symbol} ${x.day}`).sort();
    expect(emptyField).toEqual(expected.sort());
    // Nothing quarantined reached the candles table.
    for (const x of q) {
      const c = await t.handle.db.selectFrom('candles').select('day').where('symbol', '=', x.symbol).where('day', '=', x.day).execute();
      expect(c).toEqual([]);
    }
    const total = UNIVERSE.map((s) => readFileSync(path.join(SP500_DIR, 'daily', `${s}.csv`), 'utf8').trim().split('\n').length - 1).reduce((a, b) => a + b, 0);
    expect(r.candles + q.length).toBe(total);
  });

  it('stores nothing twice when run again with no new data', async () => {
    const count = async (table: 'candles' | 'indicators' | 'quarantine') =>
      Number((await t.handle.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = { candles: await count('candles'), indicators: await count('indicators'), quarantine: await count('quarantine') };
    const r = await new PipelineService(repos, new FlakyCsv(0), settings).run('2018-02-07', 'test');
    expect(r.candles).toBe(0);
    expect(r.indicators).toBe(0);
    expect({ candles: await count('candles'), indicators: await count('indicators'), quarantine: await count('quarantine') }).toEqual(before);
  });

  it('fails the run (not silently) when a step keeps failing, and records it', async () => {
    await expect(new PipelineService(repos, new FlakyCsv(5), settings).run('2018-02-07', 'test')).rejects.toThrow('connection reset');
    const [run] = await repos.pipeline.lastRuns(1);
    expect(run!.status).toBe('failed');
    expect(run!.steps.map((s) => s.status)).toEqual(['failed', 'failed', 'failed']);
  });
});
