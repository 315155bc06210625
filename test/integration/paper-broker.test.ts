/** Paper fills against hand-computed expectations: slippage, fees, gaps through stops, limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgCandleRepository } from '../../db/repositories/market.repository.js';
import { PaperBroker } from '../../src/adapters/brokers/paper.broker.js';
import { CsvMarketData } from '../../src/adapters/market-data/csv.market-data.js';
import type { Order } from '../../src/domain/types.js';
import { instantAt } from '../../src/market/market-time.js';
import { PriceSource } from '../../src/market/price-source.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { openMigratedDatabase } from '../helpers/database.js';
import { writeSeries } from '../helpers/csv-series.js';

const TZ = 'America/New_York';
const session = { timezone: TZ, sessionOpen: '09:30', sessionClose: '16:00' };

describe('paper broker fills', () => {
  let t: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let broker: PaperBroker;
  const clock = new ManualClock(instantAt('2017-03-01', '09:30', TZ));
  const order = (over: Partial<Order>): Order => ({
    clientOrderId: `t:${Math.random()}`, day: '2017-03-01', symbol: 'AAA', side: 'buy', type: 'market', qty: 10, price: null,
    reason: 'entry', status: 'new', pickProfile: null, createdAt: clock.now(), ...over,
  });

  beforeAll(async () => {
    t = await openMigratedDatabase();
    const dir = writeSeries({
      AAA: [
        ['2017-02-28', 99, 101, 98, 100],
        ['2017-03-01', 100, 104, 97, 103], // trades through 98 intraday, reaches 103
        ['2017-03-02', 95, 96, 94, 95.5], // gaps down through 98
        ['2017-03-03', 105, 106, 104, 105], // gaps up through 103
      ],
    });
    const prices = new PriceSource(new CsvMarketData(dir, 'AAA'), new PgCandleRepository(t.handle.db, t.handle.pool), session);
    broker = new PaperBroker(prices, clock, { slippageBps: 5, feePerOrder: 1, feeBps: 10 });
  });
  afterAll(() => t.drop());

  it('fills a market buy at the open plus slippage, with fixed and proportional fees', async () => {
    const r = await broker.submit(order({}));
    // 100 × 1.0005 = 100.05; fee 1 + 100.05 × 10 × 0.001 = 2.0005 → 2.00
    expect(r).toMatchObject({ status: 'filled', fill: { price: 100.05, fee: 2, qty: 10 } });
  });

  it('fills a market sell after the close at the close minus slippage', async () => {
    clock.set(instantAt('2017-03-01', '16:30', TZ));
    const r = await broker.submit(order({ side: 'sell' }));
    // 103 × 0.9995 = 102.9485; fee 1 + 1.029485 → 2.03
    expect(r).toMatchObject({ status: 'filled', fill: { price: 102.9485, fee: 2.03 } });
  });

  it('fills a sell stop at the stop when the day trades through it, at the open when it gaps through', async () => {
    const intraday = await broker.submit(order({ side: 'sell', type: 'stop', price: 98, reason: 'stop' }));
    expect(intraday).toMatchObject({ status: 'filled', fill: { price: 97.951 } }); // 98 × 0.9995
    const gap = await broker.submit(order({ side: 'sell', type: 'stop', price: 98, reason: 'stop', day: '2017-03-02' }));
    expect(gap).toMatchObject({ status: 'filled', fill: { price: 94.9525 } }); // open 95 × 0.9995
  });

  it('fills a sell limit at the limit without slippage, at the open when it gaps above', async () => {
    expect(await broker.submit(order({ side: 'sell', type: 'limit', price: 103, reason: 'target' }))).toMatchObject({ status: 'filled', fill: { price: 103 } });
    expect(await broker.submit(order({ side: 'sell', type: 'limit', price: 103, reason: 'target', day: '2017-03-03' }))).toMatchObject({ status: 'filled', fill: { price: 105 } });
    expect(await broker.submit(order({ side: 'sell', type: 'limit', price: 110, reason: 'target', day: '2017-03-03' }))).toEqual({ status: 'submitted' });
  });

  it('returns the first result again for the same client order id, and rejects what it cannot fill', async () => {
    clock.set(instantAt('2017-03-01', '10:00', TZ));
    const o = order({ clientOrderId: 'entry:AAA:2017-03-01' });
    const first = await broker.submit(o);
    clock.set(instantAt('2017-03-02', '10:00', TZ));
    expect(await broker.submit({ ...o, day: '2017-03-02' })).toEqual(first);
    expect(await broker.submit(order({ qty: 0 }))).toEqual({ status: 'rejected', reason: 'quantity must be positive' });
    expect(await broker.submit(order({ type: 'limit', price: 90 }))).toMatchObject({ status: 'rejected' });
  });
});
