/** Start-up reconciliation against Alpaca (official SDK, fake server), on real PostgreSQL: a fill the broker
 * made while Tiller was down is booked; an order from an earlier day the broker never saw is cancelled; an
 * order Tiller did not place is reported, not touched; a position Tiller cannot explain pauses trading, and
 * all of it is logged and alerted. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../src/domain/types.js';
import { instantAt } from '../../src/market/market-time.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { FakeAlpacaTrading } from '../fakes/alpaca-trading-api.js';
import { writeSeries } from '../helpers/csv-series.js';
import type { App } from '../../src/main.js';
import { openTestApp, type TestApp } from '../helpers/app.js';

const TZ = 'America/New_York';

describe('start-up reconciliation with the broker', () => {
  let t: TestApp;
  let app: App;
  const fake = new FakeAlpacaTrading('KEY', 'SECRET', (s) => ({ AAA: 50, BBB: 20, MSFT: 64 })[s] ?? null);
  const clock = new ManualClock(instantAt('2017-03-02', '09:00', TZ));
  const order = (over: Partial<Order>): Order => ({
    clientOrderId: '', day: '2017-03-01', symbol: 'AAA', side: 'buy', type: 'limit', qty: 10, limitPrice: 50, stopPrice: null,
    reason: 'entry', status: 'submitted', pickProfile: 'conservative', createdAt: clock.now(), ...over,
  });

  beforeAll(async () => {
    const url = await fake.start();
    const dir = writeSeries({ AAA: [['2017-03-01', 50, 50, 50, 50], ['2017-03-02', 50, 50, 50, 50]], BBB: [['2017-03-01', 20, 20, 20, 20], ['2017-03-02', 20, 20, 20, 20]] });
    t = await openTestApp({ dataDir: dir, clock, env: { CONSOLE_CHAT: 'on', BROKER: 'alpaca', ALPACA_KEY_ID: 'KEY', ALPACA_SECRET_KEY: 'SECRET', ALPACA_TRADING_URL: url } });
    app = t.app;
    // Yesterday Tiller sent a limit buy of AAA; it filled at Alpaca after Tiller went down.
    await app.repos.trading.insertOrder(order({ clientOrderId: 'entry:AAA:2017-03-01' }));
    await app.broker.submit(order({ clientOrderId: 'entry:AAA:2017-03-01' }));
    fake.fill('entry:AAA:2017-03-01', 49.5);
    // Yesterday Tiller stored an order and died before sending it.
    await app.repos.trading.insertOrder(order({ clientOrderId: 'entry:BBB:2017-03-01', symbol: 'BBB', status: 'new', limitPrice: 20 }));
    // Someone traded MSFT by hand on the same account, and left an order working.
    await app.broker.submit(order({ clientOrderId: 'by-hand-1', symbol: 'MSFT', type: 'market', limitPrice: null, qty: 5 }));
    await app.broker.submit(order({ clientOrderId: 'by-hand-2', symbol: 'MSFT', limitPrice: 60, qty: 5 }));
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });

  it('books, cancels, reports and pauses by the documented rules', async () => {
    const report = await app.reconciler.reconcile();
    expect(report).toEqual({
      booked: ['entry:AAA:2017-03-01'], cancelled: ['entry:BBB:2017-03-01'], stillWorking: [],
      foreignOrders: ['by-hand-2 (MSFT)'], positionDifferences: ['MSFT: Tiller holds 0, alpaca holds 5'], paused: true,
    });
    expect(await app.repos.trading.getOrder('entry:AAA:2017-03-01')).toMatchObject({ status: 'filled' });
    expect(await app.repos.trading.getFill('entry:AAA:2017-03-01')).toMatchObject({ qty: 10, price: 49.5, fee: 0 });
    expect((await app.repos.trading.positions()).map((p) => [p.symbol, p.qty, p.avgPrice])).toEqual([['AAA', 10, 49.5]]);
    expect(await app.repos.trading.getOrder('entry:BBB:2017-03-01')).toMatchObject({ status: 'cancelled' });
    expect(fake.orders.get('by-hand-2')?.status).toBe('accepted'); // not touched
    const state = await app.state.get();
    expect(state).toMatchObject({ status: 'PAUSED', changedBy: 'system', reason: 'reconciliation: positions differ from alpaca (MSFT: Tiller holds 0, alpaca holds 5)' });
    const alerts = await app.db.db.selectFrom('alert_outbox').select(['type', 'payload']).orderBy('id').execute();
    expect(alerts.map((a) => a.type)).toEqual(['trade_opened', 'state_changed', 'reconciliation']);
    expect(alerts[2]!.payload).toMatchObject({
      action: 'trading PAUSED until an operator resumes',
      differences: [
        'booked a fill found at the broker: entry:AAA:2017-03-01', 'order closed at the broker or never sent: entry:BBB:2017-03-01',
        'order working at the broker that Tiller did not place: by-hand-2 (MSFT)', 'MSFT: Tiller holds 0, alpaca holds 5',
      ],
    });
  });

  it('a second reconciliation finds the booked fill done and changes nothing more', async () => {
    const again = await app.reconciler.reconcile();
    expect(again).toMatchObject({ booked: [], cancelled: [], paused: false, positionDifferences: ['MSFT: Tiller holds 0, alpaca holds 5'] });
    expect((await app.repos.trading.fills()).length).toBe(1);
  });
});
