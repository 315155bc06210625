/** Contract test of the Yahoo provider: the real yahoo-finance2 client against the fake Yahoo server. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { YahooMarketData } from '../../src/adapters/market-data/yahoo.market-data.js';
import { requestPolicy } from '../../src/adapters/market-data/request-policy.js';
import { CsvMarketData } from '../../src/adapters/market-data/csv.market-data.js';
import { RateLimitedError, UserError } from '../../src/domain/errors.js';
import { FakeYahoo } from '../fakes/yahoo-finance-api.js';
import { SP500_DIR } from '../helpers/tiller-process.js';

describe('Yahoo market data (yahoo-finance2 against a fake server)', () => {
  const fake = new FakeYahoo(path.join(SP500_DIR, 'daily'), {
    AAPL: {
      name: 'Apple Inc.', marketCap: 809508034020,
      fundamentals: { price: 155.15, pe: 16.86, pb: 5.92, ps: 3.46, eps: 9.2, dividendYield: 0.0163, beta: 1.24, low52: 117.49, high52: 180.1,
        ebitda: 79386000000, roe: 0.361, debtToEquity: 89.9, profitMargin: 0.2138, revenueGrowth: 0.127, earningsGrowth: 0.161 },
    },
    MSFT: { name: 'Microsoft Corporation', marketCap: 689978437468 },
  });
  let yahoo: YahooMarketData;

  beforeAll(async () => {
    const apiRoot = await fake.start();
    yahoo = new YahooMarketData({ timeoutMs: 5_000, apiRoot, symbols: ['AAPL', 'MSFT'], calendarSymbol: 'AAPL' }, requestPolicy({ requestsPerSecond: 50, retries: 0, minTimeoutMs: 10 }));
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

  it('reads fundamentals from quoteSummary, ratios as fractions', async () => {
    const { rows } = await yahoo.getFundamentals(['AAPL']);
    expect(rows).toEqual([{
      symbol: 'AAPL', marketCap: 809508034020, pe: 16.86, pb: 5.92, ps: 3.46, eps: 9.2, dividendYield: 0.0163, ebitda: 79386000000, roe: 0.361,
      beta: 1.24, debtToEquity: 0.899, profitMargin: 0.2138, revenueGrowth: 0.127, earningsGrowth: 0.161, week52Low: 117.49, week52High: 180.1,
    }]);
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
