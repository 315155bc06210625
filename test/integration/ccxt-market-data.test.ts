/** Contract test of the ccxt provider: the real ccxt binance client against the fake Binance server. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CcxtMarketData } from '../../src/adapters/market-data/ccxt.market-data.js';
import { CsvMarketData } from '../../src/adapters/market-data/csv.market-data.js';
import { requestPolicy } from '../../src/adapters/market-data/request-policy.js';
import { OperationalError, UserError } from '../../src/domain/errors.js';
import { FakeBinance } from '../fakes/binance-api.js';
import { ROOT } from '../helpers/tiller-process.js';

const CRYPTO = path.resolve(ROOT, '../shared/data/crypto');

describe('ccxt market data (ccxt binance against a fake Binance)', () => {
  const fake = new FakeBinance(path.join(CRYPTO, 'BTC-USD.csv'));
  let md: CcxtMarketData;
  const make = (apiRoot: string, symbols: string[] = []) => new CcxtMarketData(
    { exchange: 'binance', timeoutMs: 5_000, apiRoot, symbols, quote: 'USDT', calendarSymbol: 'BTC/USDT', timeframe: '1d' },
    requestPolicy({ requestsPerSecond: 50, retries: 2, minTimeoutMs: 10 }),
  );
  let root = '';

  beforeAll(async () => {
    root = await fake.start();
    md = make(root);
  });
  afterAll(() => fake.stop());

  it('lists active spot markets quoted in USDT', async () => {
    expect(await md.listInstruments()).toEqual([{ symbol: 'BTC/USDT', name: 'BTC / USDT', sector: 'crypto', marketCap: null }]);
  });

  it('pages through history: the candles equal the recorded data', async () => {
    const bars = await md.getDailyCandles('BTC/USDT', '2015-01-01', '2018-08-13'); // more than two pages of 500
    const csv = await new CsvMarketData(CRYPTO, 'BTC-USD').getDailyCandles('BTC-USD', '2015-01-01', '2018-08-13');
    expect(bars.length).toBe(csv.length);
    expect(bars.length).toBeGreaterThan(1000);
    expect(bars.map((b) => ({ ...b, symbol: 'BTC-USD' }))).toEqual(csv);
    expect(fake.requests.filter((r) => r.startsWith('GET /api/v3/klines')).length).toBe(3);
  });

  it('crypto trades every day', async () => {
    expect(await md.tradingDays('2018-08-10', '2018-08-13')).toEqual(['2018-08-10', '2018-08-11', '2018-08-12', '2018-08-13']);
  });

  it('retries through a rate limit, and maps a bad symbol and an unknown exchange to typed errors', async () => {
    fake.rateLimitNext = 1;
    const bars = await md.getDailyCandles('BTC/USDT', '2018-08-01', '2018-08-03');
    expect(bars.map((b) => b.day)).toEqual(['2018-08-01', '2018-08-02', '2018-08-03']);
    expect(fake.rateLimitNext).toBe(0);
    await expect(md.getDailyCandles('ETH/BTC', '2018-08-01', '2018-08-03')).rejects.toBeInstanceOf(UserError);
    expect(() => new CcxtMarketData({ exchange: 'nope', timeoutMs: 1, apiRoot: root, symbols: [], quote: 'USDT', calendarSymbol: 'x', timeframe: '1d' },
      requestPolicy({ requestsPerSecond: 1, retries: 0, minTimeoutMs: 1 }))).toThrow(OperationalError);
  });
});
