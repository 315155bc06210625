/** The contract every broker adapter keeps, run with its real client library against a fake server that
 * speaks its API: fills with the venue's price and fees, one order per client order id however often it is
 * sent (after a timeout, after a restart), rate limits and server errors as temporary errors, the venue's
 * rejections with its reason, working orders that can be listed and cancelled, partial fills, positions as
 * the venue holds them, and a health probe that names wrong keys. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperationalError, RateLimitedError, TemporaryError } from '../../src/domain/errors.js';
import type { Order } from '../../src/domain/types.js';
import type { Broker } from '../../src/ports/broker.port.js';
import { withBrokerRetry } from '../../src/trading/order-executor.js';
import type { FakeOrderBook, FaultPlan } from '../fakes/fake-order-book.js';

/** One venue under the contract. */
export interface BrokerCase {
  title: string;
  /** Starts the fake; returns its base URL. */
  start(): Promise<string>;
  stop(): Promise<void>;
  book: FakeOrderBook;
  faults: FaultPlan;
  /** A broker on the fake (a new instance is a restarted process); `wrongKeys` for the probe test. */
  broker(url: string, opts?: { wrongKeys?: boolean }): Broker;
  /** Two tradable symbols with their market prices, and one the venue does not list. */
  symbol: string;
  price: number;
  other: string;
  otherPrice: number;
  unknownSymbol: string;
  /** The test's order size (a quantity the venue's lot rules take). */
  qty: number;
  /** The account the tests start from. */
  funds: Record<string, number>;
  /** What Tiller must book for a market buy of `qty` at `price`: the quantity received and the fee in cash. */
  bookedBuy(qty: number, price: number): { qty: number; fee: number };
  /** The reason texts of the venue's rejections. */
  rejections: { funds: RegExp; holdings: RegExp; symbol: RegExp };
}

export function brokerContract(c: BrokerCase): void {
  describe(`${c.title}: broker contract`, () => {
    let url = '';
    let broker: Broker;
    const order = (over: Partial<Order>): Order => ({
      clientOrderId: `entry:${c.symbol}:2017-03-01`, day: '2017-03-01', symbol: c.symbol, side: 'buy', type: 'market', qty: c.qty, limitPrice: null, stopPrice: null,
      reason: 'entry', status: 'new', pickProfile: 'conservative', createdAt: new Date(), ...over,
    });
    const createdFor = (id: string) => c.book.created(broker.orderKey(id));

    beforeAll(async () => {
      url = await c.start();
      c.book.reset(c.funds);
      broker = c.broker(url);
    });
    afterAll(() => c.stop());

    it('fills a market buy at the venue\'s price with its fee; a resend, also from a restarted process, is the same order', async () => {
      const o = order({});
      const first = await broker.submit(o);
      const booked = c.bookedBuy(c.qty, c.price);
      expect(first.status).toBe('filled');
      if (first.status !== 'filled') return;
      expect(first.fill).toMatchObject({ clientOrderId: o.clientOrderId, symbol: c.symbol, side: 'buy', price: c.price });
      expect(first.fill.qty).toBeCloseTo(booked.qty, 10);
      expect(first.fill.fee).toBeCloseTo(booked.fee, 6);
      expect(await broker.submit(o)).toEqual(first);
      expect(await c.broker(url).submit(o)).toEqual(first);
      expect(createdFor(o.clientOrderId)).toHaveLength(1);
      const held = (await broker.positions()).find((p) => p.symbol === c.symbol);
      expect(held?.qty).toBeCloseTo(booked.qty, 10); // the venue holds exactly what Tiller books
      expect(await broker.orderState(o)).toMatchObject({ status: 'filled', clientOrderId: broker.orderKey(o.clientOrderId), fill: { price: c.price } });
    });

    it('an order placed whose answer timed out is found by the retry: one order at the venue', async () => {
      const o = order({ clientOrderId: `entry:${c.other}:2017-03-01`, symbol: c.other });
      c.faults.stallNext = 1;
      c.faults.stallMs = 3_000; // longer than every adapter's timeout in these tests
      // The adapter may look the order up at once after the timeout, or throw a temporary error that the
      // engine's retry answers: either way the retry finds the order instead of placing another.
      const r = await withBrokerRetry('submit', () => broker.submit(o), 3, 10);
      expect(c.faults.stallNext).toBe(0); // the placement's answer really was held past the timeout
      expect(r).toMatchObject({ status: 'filled', fill: { price: c.otherPrice } });
      expect(createdFor(o.clientOrderId)).toHaveLength(1);
    });

    it('maps a rate limit and a server error to temporary errors that a retry gets through', async () => {
      const o = order({ clientOrderId: 'rl:2017-03-01', qty: c.qty / 2 });
      c.faults.rateLimitNext = 1;
      await expect(broker.submit(o)).rejects.toBeInstanceOf(RateLimitedError);
      c.faults.failNext = 1;
      await expect(broker.submit(o)).rejects.toBeInstanceOf(TemporaryError);
      c.faults.rateLimitNext = 1;
      expect(await withBrokerRetry('submit', () => broker.submit(o), 3, 10)).toMatchObject({ status: 'filled' });
      expect(createdFor(o.clientOrderId)).toHaveLength(1);
    });

    it('reports the venue\'s rejections with its reason', async () => {
      const big = await broker.submit(order({ clientOrderId: 'big:2017-03-01', qty: c.qty * 10_000 }));
      expect(big).toMatchObject({ status: 'rejected', reason: expect.stringMatching(c.rejections.funds) as unknown });
      const short = await broker.submit(order({ clientOrderId: 'short:2017-03-01', side: 'sell', qty: c.qty * 1_000 }));
      expect(short).toMatchObject({ status: 'rejected', reason: expect.stringMatching(c.rejections.holdings) as unknown });
      const unknown = await broker.submit(order({ clientOrderId: 'nope:2017-03-01', symbol: c.unknownSymbol }));
      expect(unknown).toMatchObject({ status: 'rejected', reason: expect.stringMatching(c.rejections.symbol) as unknown });
    });

    it('rests limit orders, lists and cancels them, and reports a partial fill that ended', async () => {
      const limit = order({ clientOrderId: `target:${c.symbol}:2017-03-02:opened-2017-03-01`, side: 'sell', type: 'limit', limitPrice: c.price * 1.1, reason: 'target', day: '2017-03-02', qty: c.qty / 2 });
      expect(await broker.submit(limit)).toMatchObject({ status: 'submitted' });
      expect((await broker.openOrders()).map((o) => o.clientOrderId)).toContain(broker.orderKey(limit.clientOrderId));
      c.book.fill(broker.orderKey(limit.clientOrderId), c.price * 1.1, c.qty / 4);
      expect(await broker.orderState(limit)).toMatchObject({ status: 'open' });
      await broker.cancel(limit);
      const ended = await broker.orderState(limit);
      expect(ended).toMatchObject({ status: 'partially_filled', fill: { side: 'sell' } });
      expect(ended!.fill!.qty).toBeCloseTo(c.qty / 4, 10);
      expect(ended!.fill!.price).toBeCloseTo(c.price * 1.1, 6);
      await broker.cancel(limit); // finished: a no-op

      const buyLimit = order({ clientOrderId: `entry:${c.symbol}:2017-03-03`, type: 'limit', limitPrice: c.price * 0.9, day: '2017-03-03' });
      expect(await broker.submit(buyLimit)).toMatchObject({ status: 'submitted' });
      await broker.cancel(buyLimit);
      expect(await broker.orderState(buyLimit)).toMatchObject({ status: 'cancelled', fill: null });
      expect(await broker.orderState({ clientOrderId: 'never-sent', symbol: c.symbol, day: '2017-03-03' })).toBeNull();
      expect(await broker.openOrders()).toEqual([]);
    });

    it('answers the health probe, and names wrong keys', async () => {
      await expect(broker.probe()).resolves.toBeUndefined();
      await expect(c.broker(url, { wrongKeys: true }).probe()).rejects.toBeInstanceOf(OperationalError);
    });
  });
}
