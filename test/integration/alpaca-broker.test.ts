/** The Alpaca broker with the official SDK against a fake Alpaca trading API: fills, idempotent resends
 * (after a timeout too), rejections, rate limits, server errors, resting orders, cancels, positions, keys. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlpacaBroker } from '../../src/adapters/brokers/alpaca.broker.js';
import { OperationalError, RateLimitedError, TemporaryError } from '../../src/domain/errors.js';
import type { Order } from '../../src/domain/types.js';
import { withBrokerRetry } from '../../src/trading/order-executor.js';
import { FakeAlpacaTrading } from '../fakes/alpaca-trading-api.js';

describe('Alpaca broker (official SDK, fake Alpaca trading API)', () => {
  const fake = new FakeAlpacaTrading('KEY', 'SECRET', (s) => (s === 'AAPL' ? 150.25 : s === 'MSFT' ? 60 : null));
  let broker: AlpacaBroker;
  let url: string;
  const order = (over: Partial<Order>): Order => ({
    clientOrderId: 'entry:AAPL:2017-03-01', day: '2017-03-01', symbol: 'AAPL', side: 'buy', type: 'market', qty: 10, limitPrice: null, stopPrice: null,
    reason: 'entry', status: 'new', pickProfile: 'conservative', createdAt: new Date(), ...over,
  });

  beforeAll(async () => {
    url = await fake.start();
    broker = new AlpacaBroker({ keyId: 'KEY', secretKey: 'SECRET', apiRoot: url, live: false, timeoutMs: 300 });
  });
  afterAll(() => fake.stop());

  it('fills a market order with Alpaca\'s price and no fee, and a resend returns the same order', async () => {
    const first = await broker.submit(order({}));
    expect(first).toMatchObject({ status: 'filled', fill: { clientOrderId: 'entry:AAPL:2017-03-01', qty: 10, price: 150.25, fee: 0 } });
    const again = await broker.submit(order({}));
    expect(again).toEqual(first);
    expect(fake.posts.filter((p) => p === 'entry:AAPL:2017-03-01')).toHaveLength(2);
    expect(fake.created().filter((o) => o.client_order_id === 'entry:AAPL:2017-03-01')).toHaveLength(1);
    expect(await broker.positions()).toEqual([{ symbol: 'AAPL', qty: 10, avgPrice: 150.25 }]);
  });

  it('after a timeout, the retried order is the same order: one order at Alpaca', async () => {
    fake.stallNext = 1;
    fake.stallMs = 1_000;
    await expect(broker.submit(order({ clientOrderId: 'entry:MSFT:2017-03-01', symbol: 'MSFT' }))).rejects.toBeInstanceOf(TemporaryError);
    const r = await withBrokerRetry('submit', () => broker.submit(order({ clientOrderId: 'entry:MSFT:2017-03-01', symbol: 'MSFT' })), 3, 10);
    expect(r).toMatchObject({ status: 'filled', fill: { price: 60, qty: 10 } });
    expect(fake.created().filter((o) => o.client_order_id === 'entry:MSFT:2017-03-01')).toHaveLength(1);
  });

  it('maps 429 to a rate limit and 500 to a temporary error, both retried', async () => {
    fake.rateLimitNext = 1;
    await expect(broker.submit(order({ clientOrderId: 'rl-1' }))).rejects.toBeInstanceOf(RateLimitedError);
    fake.failNext = 1;
    await expect(broker.submit(order({ clientOrderId: 'rl-1' }))).rejects.toBeInstanceOf(TemporaryError);
    fake.rateLimitNext = 1;
    fake.failNext = 0;
    expect(await withBrokerRetry('submit', () => broker.submit(order({ clientOrderId: 'rl-2' })), 3, 10)).toMatchObject({ status: 'filled' });
  });

  it('reports Alpaca\'s rejections with its reason', async () => {
    expect(await broker.submit(order({ clientOrderId: 'big', qty: 1_000_000 }))).toEqual({ status: 'rejected', reason: 'Alpaca: insufficient buying power' });
    expect(await broker.submit(order({ clientOrderId: 'short', side: 'sell', symbol: 'MSFT', qty: 500 }))).toEqual({
      status: 'rejected', reason: 'Alpaca: insufficient qty available for order (requested: 500, available: 10)',
    });
    expect(await broker.submit(order({ clientOrderId: 'nope', symbol: 'ZZZZ' }))).toEqual({ status: 'rejected', reason: 'Alpaca: asset "ZZZZ" not found' });
  });

  it('rests limit and stop orders, lists and cancels them, and reports a partial fill that ended', async () => {
    const stop = order({ clientOrderId: 'stop:AAPL:2017-03-02:opened-2017-03-01', side: 'sell', type: 'stop', stopPrice: 140, reason: 'stop', day: '2017-03-02' });
    expect(await broker.submit(stop)).toMatchObject({ status: 'submitted' });
    expect(fake.orders.get(stop.clientOrderId)).toMatchObject({ type: 'stop', stop_price: '140', time_in_force: 'day' });
    expect((await broker.openOrders()).map((o) => o.clientOrderId)).toEqual([stop.clientOrderId]);
    await broker.cancel(stop);
    expect(await broker.orderState(stop)).toMatchObject({ status: 'cancelled', fill: null });
    await broker.cancel(stop); // finished: a no-op

    const limit = order({ clientOrderId: 'target:AAPL:2017-03-02:opened-2017-03-01', side: 'sell', type: 'limit', limitPrice: 160, reason: 'target', qty: 10 });
    expect(await broker.submit(limit)).toMatchObject({ status: 'submitted' });
    fake.fill(limit.clientOrderId, 160, 4);
    expect(await broker.orderState(limit)).toMatchObject({ status: 'open' }); // still working
    await broker.cancel(limit);
    expect(await broker.orderState(limit)).toMatchObject({ status: 'partially_filled', fill: { qty: 4, price: 160 } });
    expect(await broker.orderState({ clientOrderId: 'never-sent', symbol: 'AAPL', day: '2017-03-02' })).toBeNull();
  });

  it('answers the health probe, and says so when the keys are wrong', async () => {
    await expect(broker.probe()).resolves.toBeUndefined();
    const wrong = new AlpacaBroker({ keyId: 'KEY', secretKey: 'WRONG', apiRoot: url, live: false, timeoutMs: 300 });
    await expect(wrong.probe()).rejects.toThrow(new OperationalError('alpaca account: Alpaca refused the keys (401 request is not authorized)'));
  });
});
