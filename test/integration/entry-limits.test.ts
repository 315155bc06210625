/** The weekly limit on new entries and the cap on open positions, in the real trade cycle on real
 * PostgreSQL, over a flat constructed series (so no breaker interferes). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pick } from '../../src/domain/types.js';
import { instantAt } from '../../src/market/market-time.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import type { App } from '../../src/main.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { writeSeries } from '../helpers/csv-series.js';

const DAYS = ['2017-02-28', '2017-03-01', '2017-03-02', '2017-03-03', '2017-03-06', '2017-03-07'];
const SYMBOLS = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE'];
const pick = (symbol: string, day: string, rank: number): Pick => ({
  day, profile: 'conservative', symbol, rank, score: 1, confidence: 1, entry: 20, target: 40, stopLoss: 10, model: 'test', rationale: 'constructed',
});

describe('entry limits', () => {
  let t: TestApp;
  let app: App;
  const clock = new ManualClock(new Date('2017-03-01T00:00:00Z'));
  const trade = async (day: string) => {
    clock.set(instantAt(day, '09:30', 'America/New_York'));
    return (await app.handlers.trade(day, 'test')) as { opened: Array<{ symbol: string }>; notes: string[] };
  };

  beforeAll(async () => {
    const dir = writeSeries(Object.fromEntries(SYMBOLS.map((s) => [s, DAYS.map((d) => [d, 20, 20.5, 19.5, 20] as [string, number, number, number, number])])));
    t = await openTestApp({
      dataDir: dir, env: { CONSOLE_CHAT: 'on' }, clock,
      configure: (base) => ({ ...base, marketData: { ...base.marketData, calendarSymbol: 'AAA' }, trading: { ...base.trading, maxOpenPositions: 3, caps: { ...base.trading.caps, maxEntriesPerWeek: 2 } } }),
    });
    app = t.app;
    await app.repos.picks.replace('2017-03-01', 'conservative', ['AAA', 'BBB', 'CCC'].map((s, i) => pick(s, '2017-03-01', i + 1)));
    await app.repos.picks.replace('2017-03-02', 'conservative', [pick('DDD', '2017-03-02', 1)]);
    await app.repos.picks.replace('2017-03-06', 'conservative', [pick('DDD', '2017-03-06', 1), pick('EEE', '2017-03-06', 2)]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stops at the weekly entry limit, counts the whole calendar week, and starts again on Monday', async () => {
    const wed = await trade('2017-03-01');
    expect(wed.opened.map((o) => o.symbol)).toEqual(['AAA', 'BBB']);
    expect(wed.notes).toContain('weekly entry limit (2) reached');
    const thu = await trade('2017-03-02');
    expect(thu.opened).toEqual([]);
    expect(thu.notes).toContain('weekly entry limit (2) reached');
    // Monday: a new week, but only one slot is left under maxOpenPositions (3)
    const mon = await trade('2017-03-06');
    expect(mon.opened.map((o) => o.symbol)).toEqual(['DDD']);
    expect((await app.repos.trading.positions()).map((p) => p.symbol)).toEqual(['AAA', 'BBB', 'DDD']);
    expect(await app.repos.trading.ordersOn('2017-03-06')).toHaveLength(1); // EEE was never sent
  });
});
