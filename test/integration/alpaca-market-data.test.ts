/** Contract test of the Alpaca provider: the official SDK against the fake Alpaca data API. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlpacaMarketData } from '../../src/adapters/market-data/alpaca.market-data.js';
import { CsvMarketData } from '../../src/adapters/market-data/csv.market-data.js';
import { requestPolicy } from '../../src/adapters/market-data/request-policy.js';
import { ConfigError, OperationalError } from '../../src/domain/errors.js';
import { validateCandles } from '../../src/market/validation.js';
import { FakeAlpacaData } from '../fakes/alpaca-data-api.js';
import { SP500_DIR } from '../helpers/tiller-process.js';

describe('Alpaca market data (official SDK against a fake Alpaca)', () => {
  const fake = new FakeAlpacaData(path.join(SP500_DIR, 'daily'), 'PKTEST', 'secret');
  let root = '';
  const policy = requestPolicy({ requestsPerSecond: 50, retries: 2, minTimeoutMs: 10 });
  const make = (keyId = 'PKTEST', secretKey = 'secret') =>
    new AlpacaMarketData({ keyId, secretKey, dataUrl: root, feed: 'iex', timeoutMs: 5_000, symbols: ['AAPL', 'MSFT'], calendarSymbol: 'AAPL' }, policy);

  beforeAll(async () => {
    root = await fake.start();
  });
  afterAll(() => fake.stop());

  it('reads split-adjusted daily bars across pages, equal to the recorded data', async () => {
    const bars = await make().getDailyCandles('AAPL', '2014-01-01', '2017-12-29');
    const csv = validateCandles(await new CsvMarketData(SP500_DIR, 'AAPL').getDailyCandles('AAPL', '2014-01-01', '2017-12-29')).valid;
    expect(bars).toEqual(csv);
    expect(fake.requests.filter((r) => r.includes('/v2/stocks/AAPL/bars')).length).toBe(3); // 1,006 bars in pages of 500
    expect(fake.requests[0]).toContain('adjustment=split');
  });

  it('uses the calendar symbol for trading days and lists the configured symbols', async () => {
    expect(await make().tradingDays('2017-01-13', '2017-01-18')).toEqual(['2017-01-13', '2017-01-17', '2017-01-18']);
    expect((await make().listInstruments()).map((i) => i.symbol)).toEqual(['AAPL', 'MSFT']);
  });

  it('retries a 429, refuses wrong keys, and needs keys at all', async () => {
    fake.rateLimitNext = 1;
    expect((await make().getDailyCandles('MSFT', '2017-01-03', '2017-01-05')).map((b) => b.day)).toEqual(['2017-01-03', '2017-01-04', '2017-01-05']);
    await expect(make('PKTEST', 'wrong').getDailyCandles('MSFT', '2017-01-03', '2017-01-05')).rejects.toThrow(OperationalError);
    expect(() => make('', '')).toThrow(ConfigError);
  });
});
