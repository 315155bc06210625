/** Contract test of the Yahoo provider: the real yahoo-finance2 client against the fake Yahoo server. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { YahooMarketData } from '../../src/adapters/market-data/yahoo.market-data.js';
import { CsvMarketData } from '../../src/adapters/market-data/csv.market-data.js';
import { RateLimitedError, UserError } from '../../src/domain/errors.js';
import { FakeYahoo } from '../fakes/yahoo-finance-api.js';
import { SP500_DIR } from '../helpers/tiller-process.js';

describe('Yahoo market data (yahoo-finance2 against a fake server)', () => {
  const fake = new FakeYahoo(path.join(SP500_DIR, 'daily'), {
    AAPL: { name: 'Apple Inc.', marketCap: 809508034020 },
    MSFT: { name: 'Microsoft Corporation', marketCap: 689978437468 },
  });
  let yahoo: YahooMarketData;

  beforeAll(async () => {
    const apiRoot = await fake.start();
    yahoo = new YahooMarketData({ timeoutMs: 5_000, apiRoot, symbols: ['AAPL', 'MSFT'], calendarSymbol: 'AAPL' });
  });
  afterAll(() => fake.stop());

  it('reads daily candles in the exchange time zone, equal to the recorded data', async () => {
    const bars = await yahoo.getDailyCandles('AAPL', '2017-03-09', '2017-03-14'); // spans the DST change of 2017-03-12
    const csv = await new CsvMarketData(SP500_DIR, 'AAPL').getDailyCandles('AAPL', '2017-03-09', '2017-03-14');
    expect(bars).toEqual(csv);
    expect(bars.map((b) => b.day)).toEqual(['2017-03-09', '2017-03-10', '2017-03-13', '2017-03-14']);
  });

  it('lists the configured universe with names and market caps (cookie + crumb handshake)', async () => {
    expect(await yahoo.listInstruments()).toEqual([
      { symbol: 'AAPL', name: 'Apple Inc.', sector: null, marketCap: 809508034020 },
      { symbol: 'MSFT', name: 'Microsoft Corporation', sector: null, marketCap: 689978437468 },
    ]);
    expect(fake.requests).toContain('GET /v1/test/getcrumb');
  });

  it('uses the calendar symbol for trading days', async () => {
    expect(await yahoo.tradingDays('2017-01-13', '2017-01-18')).toEqual(['2017-01-13', '2017-01-17', '2017-01-18']);
  });

  it('maps Yahoo errors to typed errors: 429 → retry later, unknown symbol → user error', async () => {
    fake.rateLimited.add('MSFT');
    await expect(yahoo.getDailyCandles('MSFT', '2017-01-03', '2017-01-10')).rejects.toBeInstanceOf(RateLimitedError);
    fake.rateLimited.delete('MSFT');
    await expect(yahoo.getDailyCandles('NOPE', '2017-01-03', '2017-01-10')).rejects.toBeInstanceOf(UserError);
  });
});
