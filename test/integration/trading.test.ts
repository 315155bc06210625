/** The trade cycle and the daily-loss breaker on real PostgreSQL, wired by the real composition root,
 * over a constructed series in which the market gaps down 20 % overnight. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakerTripsTotal } from '../../monitoring/metrics.js';
import type { Pick } from '../../src/domain/types.js';
import { instantAt } from '../../src/market/market-time.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import type { App } from '../../src/main.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { writeSeries } from '../helpers/csv-series.js';

const TZ = 'America/New_York';
const pick = (symbol: string, day: string, entry: number, rank: number): Pick => ({
  day, profile: 'conservative', symbol, rank, score: 1, confidence: 1, entry, target: entry * 2, stopLoss: entry * 0.5, model: 'test', rationale: 'constructed',
});

describe('trade cycle and daily-loss breaker', () => {
  let t: TestApp;
  let app: App;
  const clock = new ManualClock(new Date('2017-03-01T00:00:00Z'));
  const at = (day: string, time: string) => clock.set(instantAt(day, time, TZ));

  beforeAll(async () => {
    const dir = writeSeries({
      AAPL: [['2017-02-28', 100, 101, 99, 100], ['2017-03-01', 100, 101, 99, 100], ['2017-03-02', 80, 81, 79, 80], ['2017-03-03', 80, 81, 79, 80]],
      BBB: [['2017-02-28', 50, 51, 49, 50], ['2017-03-01', 50, 51, 49, 50], ['2017-03-02', 40, 41, 39, 40], ['2017-03-03', 40, 41, 39, 40]],
      CCC: [['2017-02-28', 10, 11, 9, 10], ['2017-03-01', 10, 11, 9, 10], ['2017-03-02', 10, 11, 9, 10], ['2017-03-03', 10, 11, 9, 10]],
    });
    t = await openTestApp({ dataDir: dir, env: { CONSOLE_CHAT: 'on' }, clock });
    app = t.app;
    await app.repos.picks.replace('2017-03-01', 'conservative', [pick('AAPL', '2017-03-01', 100, 1), pick('BBB', '2017-03-01', 50, 2)]);
    await app.repos.picks.replace('2017-03-02', 'conservative', [pick('CCC', '2017-03-02', 10, 1)]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('buys the picks once at the open, even when the cycle runs twice', async () => {
    at('2017-03-01', '09:30');
    await app.handlers.trade('2017-03-01', 'test');
    await app.handlers.trade('2017-03-01', 'test');
    const orders = await app.repos.trading.ordersOn('2017-03-01');
    expect(orders.map((o) => [o.clientOrderId, o.status])).toEqual([['entry:AAPL:2017-03-01', 'filled'], ['entry:BBB:2017-03-01', 'filled']]);
    const positions = await app.repos.trading.positions();
    // 10 % of 100,000 at 100 × 1.0005 → 99 shares; then 10 % of the equity left at 50 × 1.0005 → 199 shares
    expect(positions.map((p) => [p.symbol, p.qty])).toEqual([['AAPL', 99], ['BBB', 199]]);
    at('2017-03-01', '16:05');
    await app.handlers.monitor('2017-03-01', 'test');
  });

  it('trips on a 20 % gap down before the next entry: PAUSED, persisted, alerted, metered', async () => {
    const trips = async () => (await breakerTripsTotal.get()).values.find((v) => v.labels.breaker === 'daily_loss' && v.labels.stage === 'soft')?.value ?? 0;
    const tripsBefore = await trips();
    at('2017-03-02', '09:30');
    const result = (await app.handlers.trade('2017-03-02', 'test')) as { opened: unknown[]; skipped: string };
    expect(result.opened).toEqual([]);
    expect(result.skipped).toMatch(/^trading is PAUSED: breaker:daily_loss/);
    expect(await app.repos.trading.ordersOn('2017-03-02')).toEqual([]);

    const state = await app.state.get();
    expect(state.status).toBe('PAUSED');
    expect(state.reason).toMatch(/^breaker:daily_loss: 3\.\d\d % ≥ soft limit 3\.00 %$/);
    const trip = await app.repos.state.lastBreaker();
    expect(trip).toMatchObject({ name: 'daily_loss', stage: 'soft', day: '2017-03-02', limit: 0.03 });
    expect(trip!.value).toBeGreaterThan(0.03);
    const tripsAfter = await trips();
    expect(tripsAfter - tripsBefore).toBe(1);
    const types = (await app.db.db.selectFrom('alert_outbox').select('type').orderBy('id').execute()).map((r) => r.type);
    expect(types).toEqual(['trade_opened', 'trade_opened', 'breaker_tripped', 'state_changed']);
  });

  it('stays paused for the rest of the day, and clears at the next trading day', async () => {
    at('2017-03-02', '11:00');
    const again = (await app.handlers.trade('2017-03-02', 'test')) as { skipped: string };
    expect(again.skipped).toMatch(/trading is PAUSED/);
    at('2017-03-03', '09:30');
    await app.handlers.trade('2017-03-03', 'test');
    const state = await app.state.get();
    expect(state).toMatchObject({ status: 'RUNNING', changedBy: 'system', reason: 'circuit breakers cleared for 2017-03-03: daily_loss' });
  });

  it('after a crash between storing an order and its fill, a re-run sends that stored order, not a new one', async () => {
    at('2017-03-02', '16:05');
    await app.handlers.monitor('2017-03-02', 'test'); // the 2017-03-02 close: start-of-day equity for 03-03
    await app.repos.picks.replace('2017-03-03', 'conservative', [pick('CCC', '2017-03-03', 10, 1)]);
    // What a process killed right after inserting the order leaves behind: the row, status new, 7 shares.
    await app.repos.trading.insertOrder({
      clientOrderId: 'entry:CCC:2017-03-03', day: '2017-03-03', symbol: 'CCC', side: 'buy', type: 'market', qty: 7, limitPrice: null, stopPrice: null,
      reason: 'entry', status: 'new', pickProfile: 'conservative', createdAt: clock.now(),
    });
    at('2017-03-03', '09:31');
    await app.handlers.trade('2017-03-03', 'restart');
    await app.handlers.trade('2017-03-03', 'restart');
    const orders = await app.repos.trading.ordersOn('2017-03-03');
    expect(orders.map((o) => [o.clientOrderId, o.qty, o.status])).toEqual([['entry:CCC:2017-03-03', 7, 'filled']]);
    const ccc = (await app.repos.trading.positions()).find((p) => p.symbol === 'CCC');
    expect(ccc?.qty).toBe(7);
    const fills = (await app.repos.trading.fills()).filter((f) => f.clientOrderId === 'entry:CCC:2017-03-03');
    expect(fills).toHaveLength(1);
  });

  it('a second emergency stop on the same day closes a position re-opened after the first', async () => {
    const operator = { transport: 'console', userId: 'local', chatId: 'console' };
    const halt = async () => {
      const ask = (await app.core.handle(operator, 'emergency_stop', [])) as { kind: string; token: string };
      expect(ask.kind).toBe('confirm');
      return app.core.confirm(operator, ask.token, true);
    };
    at('2017-03-03', '10:00');
    const first = await halt();
    expect(first).toMatchObject({ kind: 'halted', result: { failed: [] } });
    expect(await app.repos.trading.positions()).toEqual([]);

    await app.core.handle(operator, 'resume', []);
    await app.repos.picks.replace('2017-03-03', 'conservative', [pick('AAPL', '2017-03-03', 80, 1)]);
    at('2017-03-03', '10:05');
    await app.handlers.trade('2017-03-03', 'test');
    expect((await app.repos.trading.positions()).map((p) => [p.symbol, p.openedDay])).toEqual([['AAPL', '2017-03-03']]);

    at('2017-03-03', '10:10');
    const second = await halt();
    expect(second).toMatchObject({ kind: 'halted', result: { failed: [], closed: [{ symbol: 'AAPL' }] } });
    expect(await app.repos.trading.positions()).toEqual([]);
    const haltOrders = (await app.repos.trading.ordersOn('2017-03-03')).filter((o) => o.reason === 'halt' && o.symbol === 'AAPL').map((o) => o.clientOrderId);
    expect(haltOrders).toEqual(['halt:AAPL:2017-03-03:opened-2017-03-01', 'halt:AAPL:2017-03-03:opened-2017-03-03']);
  });
});
