/** Paper fills against hand-computed expectations: slippage, fees, gaps through stops, limits, stop-limits,
 * partial fills on thin volume, buying power, no short selling, and a ledger that survives a restart. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgCandleRepository } from '../../db/repositories/market.repository.js';
import { PgPaperLedger } from '../../db/repositories/paper-ledger.repository.js';
import { PaperBroker, type PaperAccount } from '../../src/adapters/brokers/paper.broker.js';
import { DEFAULT_BAR_LIMITS } from '../../src/market/validation.js';
import { CsvMarketData } from '../../src/adapters/market-data/csv.market-data.js';
import type { Order, Position } from '../../src/domain/types.js';
import { instantAt } from '../../src/market/market-time.js';
import { PriceSource } from '../../src/market/price-source.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { openMigratedDatabase } from '../helpers/database.js';
import { writeSeries } from '../helpers/csv-series.js';

const TZ = 'America/New_York';
const session = { timezone: TZ, sessionOpen: '09:30', sessionClose: '16:00' };
const settings = { slippageBps: 5, feePerOrder: 1, feeBps: 10, maxVolumeFraction: 0.1, buyingPowerMultiplier: 1 };

describe('paper broker fills', () => {
  let t: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let broker: PaperBroker;
  let prices: PriceSource;
  const account: PaperAccount & { cashNow: number; held: Position[] } = {
    cashNow: 100_000, held: [],
    cash: async () => account.cashNow,
    positions: async () => account.held,
  };
  const clock = new ManualClock(instantAt('2017-03-01', '09:30', TZ));
  let n = 0;
  const order = (over: Partial<Order>): Order => ({
    clientOrderId: `t:${++n}`, day: '2017-03-01', symbol: 'AAA', side: 'buy', type: 'market', qty: 10, limitPrice: null, stopPrice: null,
    reason: 'entry', status: 'new', pickProfile: null, createdAt: clock.now(), ...over,
  });
  const afterClose = (day: string) => clock.set(instantAt(day, '16:05', TZ));

  beforeAll(async () => {
    t = await openMigratedDatabase();
    const dir = writeSeries({
      AAA: [
        ['2017-02-28', 99, 101, 98, 100, 1_000_000],
        ['2017-03-01', 100, 104, 97, 103, 1_000_000], // trades through 98 intraday, reaches 103
        ['2017-03-02', 95, 96, 94, 95.5, 1_000_000], // gaps down through 98
        ['2017-03-03', 105, 106, 104, 105, 1_000_000], // gaps up through 103
        ['2017-03-06', 105, 107, 100, 101, 300], // thin: a limit fills at most 30 shares
      ],
    });
    prices = new PriceSource(new CsvMarketData(dir, 'AAA'), new PgCandleRepository(t.handle.db, t.handle.pool), session);
    broker = new PaperBroker(prices, clock, settings, new PgPaperLedger(t.handle.db), account);
    account.held = [{ symbol: 'AAA', qty: 1_000, avgPrice: 90, stopLoss: 80, target: 120, openedDay: '2017-02-01', profile: null, highWater: 90, model: null }];
  });
  afterAll(() => t.drop());

  it('fills a market buy at the open plus slippage, with fixed and proportional fees', async () => {
    clock.set(instantAt('2017-03-01', '09:30', TZ));
    // 100 × 1.0005 = 100.05; fee 1 + 1,000.50 × 10 bps = 2.0005 → 2.00
    expect(await broker.submit(order({}))).toMatchObject({ status: 'filled', fill: { price: 100.05, fee: 2, qty: 10 } });
  });

  it('fills a market sell after the close at the close minus slippage', async () => {
    afterClose('2017-03-01');
    // 103 × 0.9995 = 102.9485; fee 1 + 1.029485 → 2.03
    expect(await broker.submit(order({ side: 'sell' }))).toMatchObject({ status: 'filled', fill: { price: 102.9485, fee: 2.03 } });
  });

  it('fills a sell stop at the stop when the day trades through it, at the open when it gaps through', async () => {
    afterClose('2017-03-02');
    const intraday = await broker.submit(order({ side: 'sell', type: 'stop', stopPrice: 98, reason: 'stop' }));
    expect(intraday).toMatchObject({ status: 'filled', fill: { price: 97.951 } }); // 98 × 0.9995
    const gap = await broker.submit(order({ side: 'sell', type: 'stop', stopPrice: 98, reason: 'stop', day: '2017-03-02' }));
    expect(gap).toMatchObject({ status: 'filled', fill: { price: 94.9525 } }); // open 95 × 0.9995
  });

  it('fills a buy stop at the stop, or at the open when the day gaps above it', async () => {
    afterClose('2017-03-03');
    expect(await broker.submit(order({ type: 'stop', stopPrice: 102 }))).toMatchObject({ status: 'filled', fill: { price: 102.051 } }); // 102 × 1.0005
    expect(await broker.submit(order({ type: 'stop', stopPrice: 104, day: '2017-03-03' }))).toMatchObject({ status: 'filled', fill: { price: 105.0525 } });
    expect(await broker.submit(order({ type: 'stop', stopPrice: 110, day: '2017-03-03' }))).toMatchObject({ status: 'cancelled' });
  });

  it('fills limits at the limit without slippage, at the open when it is better; a limit never reached expires', async () => {
    afterClose('2017-03-03');
    expect(await broker.submit(order({ side: 'sell', type: 'limit', limitPrice: 103, reason: 'target' }))).toMatchObject({ status: 'filled', fill: { price: 103 } });
    expect(await broker.submit(order({ side: 'sell', type: 'limit', limitPrice: 103, reason: 'target', day: '2017-03-03' }))).toMatchObject({ status: 'filled', fill: { price: 105 } });
    expect(await broker.submit(order({ type: 'limit', limitPrice: 99 }))).toMatchObject({ status: 'filled', fill: { price: 99 } }); // low 97
    expect(await broker.submit(order({ type: 'limit', limitPrice: 96, day: '2017-03-02' }))).toMatchObject({ status: 'filled', fill: { price: 95 } }); // open 95 ≤ 96
    expect(await broker.submit(order({ side: 'sell', type: 'limit', limitPrice: 110, reason: 'target', day: '2017-03-03' }))).toEqual({
      status: 'cancelled', reason: 'not triggered on 2017-03-03; day order expired',
    });
  });

  it('fills stop-limits as a limit from the trigger; after a gap below the limit only if the day comes back', async () => {
    afterClose('2017-03-03');
    // 03-01 trades down through 98: triggered at 98 ≥ limit 97.5 → 98, no slippage
    expect(await broker.submit(order({ side: 'sell', type: 'stop_limit', stopPrice: 98, limitPrice: 97.5 }))).toMatchObject({ status: 'filled', fill: { price: 98 } });
    // 03-02 opens at 95, below the stop and below the 95.5 limit; high 96 comes back to it → 95.5
    expect(await broker.submit(order({ side: 'sell', type: 'stop_limit', stopPrice: 98, limitPrice: 95.5, day: '2017-03-02' }))).toMatchObject({ status: 'filled', fill: { price: 95.5 } });
    // limit 97: the day never came back above 96 → expires unfilled
    expect(await broker.submit(order({ side: 'sell', type: 'stop_limit', stopPrice: 98, limitPrice: 97, day: '2017-03-02' }))).toMatchObject({ status: 'cancelled' });
  });

  it('rests limit and stop orders until the bar is final, then fills them on request of their state', async () => {
    clock.set(instantAt('2017-03-06', '10:00', TZ));
    const o = order({ side: 'sell', type: 'stop', stopPrice: 102, day: '2017-03-06', reason: 'stop', clientOrderId: 'stop:AAA:2017-03-06' });
    expect(await broker.submit(o)).toEqual({ status: 'submitted' });
    expect((await broker.openOrders()).map((x) => x.clientOrderId)).toContain('stop:AAA:2017-03-06');
    afterClose('2017-03-06');
    expect(await broker.orderState({ clientOrderId: 'stop:AAA:2017-03-06', symbol: 'AAA', day: '2017-03-06' })).toMatchObject({ status: 'filled', fill: { price: 101.949 } }); // 102 × 0.9995
    expect((await broker.openOrders()).map((x) => x.clientOrderId)).not.toContain('stop:AAA:2017-03-06');
  });

  it('fills a limit on thin volume only in part (10 % of the day\'s volume); the rest is cancelled', async () => {
    afterClose('2017-03-06');
    const r = await broker.submit(order({ type: 'limit', limitPrice: 106, qty: 100, day: '2017-03-06' }));
    // volume 300 × 0.1 = 30 shares at the open 105; fee 1 + 3,150 × 10 bps = 4.15
    expect(r).toMatchObject({ status: 'partially_filled', fill: { qty: 30, price: 105, fee: 4.15 } });
  });

  it('checks buying power and refuses short sales', async () => {
    clock.set(instantAt('2017-03-01', '10:00', TZ));
    account.cashNow = 1_000;
    expect(await broker.submit(order({ qty: 10 }))).toMatchObject({ status: 'rejected', reason: /^insufficient buying power: 1002\.5 needed, 1000 available$/ });
    const margin = new PaperBroker(prices, clock, { ...settings, buyingPowerMultiplier: 2 }, new PgPaperLedger(t.handle.db), account);
    expect(await margin.submit(order({ qty: 10 }))).toMatchObject({ status: 'filled' });
    account.cashNow = 100_000;
    expect(await broker.submit(order({ side: 'sell', qty: 1_001 }))).toEqual({
      status: 'rejected', reason: 'sell of 1001 AAA exceeds the position of 1000 (no short selling)',
    });
  });

  it('returns the first result for the same client order id, also from a new broker instance (after a restart)', async () => {
    clock.set(instantAt('2017-03-01', '10:00', TZ));
    const o = order({ clientOrderId: 'entry:AAA:2017-03-01' });
    const first = await broker.submit(o);
    expect(first.status).toBe('filled');
    clock.set(instantAt('2017-03-02', '10:00', TZ));
    const restarted = new PaperBroker(prices, clock, settings, new PgPaperLedger(t.handle.db), account);
    expect(await restarted.submit({ ...o, day: '2017-03-02' })).toEqual(first);
    expect(await restarted.orderState({ clientOrderId: 'entry:AAA:2017-03-01', symbol: 'AAA', day: '2017-03-01' })).toMatchObject({ status: 'filled', fill: first.status === 'filled' ? first.fill : null });
    expect(await restarted.orderState({ clientOrderId: 'never-sent', symbol: 'AAA', day: '2017-03-01' })).toBeNull();
    expect(await broker.submit(order({ qty: 0 }))).toEqual({ status: 'rejected', reason: 'quantity must be positive' });
    expect(await broker.submit(order({ type: 'limit', limitPrice: null }))).toMatchObject({ status: 'rejected', reason: 'limit order needs a positive limit price' });
  });

  it('refuses to fill off a bar far from the last stored close (a bad print at 100×), naming the move', async () => {
    const dir = writeSeries({ BAD: [['2017-03-01', 10_000, 10_100, 9_900, 10_050, 1_000_000]] });
    const candles = new PgCandleRepository(t.handle.db, t.handle.pool);
    await candles.insertNew([{ symbol: 'BAD', day: '2017-02-28', open: 99, high: 101, low: 98, close: 100, volume: 1_000_000 }]);
    const badPrices = new PriceSource(new CsvMarketData(dir, 'BAD'), candles, session);
    const b = new PaperBroker(badPrices, clock, settings, new PgPaperLedger(t.handle.db), account, { ...DEFAULT_BAR_LIMITS, maxMove: 0.75 });
    clock.set(instantAt('2017-03-01', '10:00', TZ));
    expect(await b.submit(order({ symbol: 'BAD' }))).toEqual({
      status: 'rejected', reason: 'implausible price 10000 for BAD: 9900 % from the last stored close 100 (2017-02-28), beyond the 75 % a day allows; not filled',
    });
    afterClose('2017-03-01');
    expect(await b.submit(order({ symbol: 'BAD', type: 'limit', limitPrice: 20_000 }))).toMatchObject({ status: 'rejected', reason: /^implausible price 10000 for BAD/ });
    // Outside the market's price range (pipeline.maxPrice) it is refused whatever the move.
    const capped = new PaperBroker(badPrices, clock, settings, new PgPaperLedger(t.handle.db), account, { ...DEFAULT_BAR_LIMITS, maxMove: 200, maxPrice: 5_000 });
    expect(await capped.submit(order({ symbol: 'BAD', qty: 1, clientOrderId: 'capped-1' }))).toEqual({
      status: 'rejected', reason: "implausible price 10050 for BAD: outside the market's price range [0.0001, 5000]; not filled",
    });
    // Within the limit it fills as before.
    const fine = new PaperBroker(badPrices, clock, settings, new PgPaperLedger(t.handle.db), account, { ...DEFAULT_BAR_LIMITS, maxMove: 200 });
    expect(await fine.submit(order({ symbol: 'BAD', qty: 1 }))).toMatchObject({ status: 'filled' });
  });
});
