/** The trading commands through the command core with the real composition root on real PostgreSQL:
 * /risk, /set_risk, /orders, /trades, /performance, /close and /close_all, with roles, confirmation and
 * audit; and the monitor's exits (trailing stop, time exit) over a constructed series. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/commands/command.types.js';
import type { Pick } from '../../src/domain/types.js';
import { instantAt } from '../../src/market/market-time.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { writeSeries, type Bar } from '../helpers/csv-series.js';
import type { App } from '../../src/main.js';
import { openTestApp, type TestApp } from '../helpers/app.js';

const TZ = 'America/New_York';
const admin: Actor = { transport: 'telegram', userId: '1', chatId: '-100' };
const viewer: Actor = { transport: 'telegram', userId: '3', chatId: '-100' };
const days = ['2017-03-01', '2017-03-02', '2017-03-03', '2017-03-06', '2017-03-07', '2017-03-08'];
const pick = (symbol: string, day: string, entry: number, stopLoss: number, target: number, rank: number): Pick => ({
  day, profile: 'conservative', symbol, rank, score: 1, confidence: 1, entry, target, stopLoss, model: 'test-model', rationale: 'constructed',
});

describe('trading commands and exits', () => {
  let t: TestApp;
  let app: App;
  const clock = new ManualClock(instantAt('2017-03-01', '08:00', TZ));
  const at = (day: string, time: string) => clock.set(instantAt(day, time, TZ));
  const ask = async (actor: Actor, name: string, ...args: string[]) => app.core.handle(actor, name, args);
  const confirmed = async (actor: Actor, name: string, ...args: string[]) => {
    const r = await ask(actor, name, ...args);
    if (r.kind !== 'confirm') return r;
    return app.core.confirm(actor, r.token, true);
  };

  beforeAll(async () => {
    // UP rises 10 % by 03-02 (trailing starts), then falls back through the trailing stop on 03-03.
    // FLAT never moves: the time exit (2 trading days, set below) closes it at the close of 03-03.
    // CLOSEME is closed by hand.
    const series: Record<string, Bar[]> = {
      UP: [['2017-02-28', 100, 100, 100, 100], ['2017-03-01', 100, 101, 99, 100], ['2017-03-02', 101, 110, 100, 109], ['2017-03-03', 108, 108, 104, 105],
        ...days.slice(3).map((d): Bar => [d, 105, 105, 105, 105])],
      FLAT: [['2017-02-28', 50, 50, 50, 50], ...days.map((d): Bar => [d, 50, 50.5, 49.5, 50])],
      CLOSEME: [['2017-02-28', 20, 20, 20, 20], ...days.map((d): Bar => [d, 20, 20, 20, 20])],
    };
    const dir = writeSeries(series);
    t = await openTestApp({
      dataDir: dir, clock, env: { TELEGRAM_BOT_TOKEN: '1:x', TELEGRAM_ADMINS: '1', TELEGRAM_VIEWERS: '3' },
      configure: (base) => ({ ...base, trading: { ...base.trading, exits: { ...base.trading.exits, maxHoldingDays: 2, sellSignal: false } } }),
    });
    app = t.app;
    await app.repos.picks.replace('2017-03-01', 'conservative', [
      pick('UP', '2017-03-01', 100, 90, 150, 1), pick('FLAT', '2017-03-01', 50, 40, 80, 2), pick('CLOSEME', '2017-03-01', 20, 15, 30, 3),
    ]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('/risk shows limits and readings to a viewer; /set_risk is for admins, validated before the confirmation, and audited', async () => {
    at('2017-03-01', '09:00');
    const risk = await ask(viewer, 'risk');
    expect(risk).toMatchObject({ kind: 'risk', state: { status: 'RUNNING' }, openPositions: 0, entriesThisWeek: 0 });
    expect(risk.kind === 'risk' && risk.readings.map((r) => r.name)).toEqual(['daily_loss', 'max_drawdown', 'consecutive_losses', 'cooldown', 'volatility']);
    expect(risk.kind === 'risk' && risk.keys.find((k) => k.key === 'daily_loss_soft')).toEqual({ key: 'daily_loss_soft', value: 0.03, help: 'daily loss that pauses', setBy: null });

    expect(await ask(viewer, 'set_risk', 'daily_loss_soft', '2%')).toEqual({ kind: 'refused', reason: '/set_risk needs the admin role; you are viewer.' });
    expect(await ask(admin, 'set_risk', 'daily_loss_soft')).toMatchObject({ kind: 'error', message: expect.stringMatching(/^usage: \/set_risk KEY VALUE/) });
    expect(await ask(admin, 'set_risk', 'daily_loss_soft', 'lots')).toEqual({ kind: 'error', message: 'daily_loss_soft: "lots" is not a number' });
    expect(await ask(admin, 'set_risk', 'daily_loss_soft', '7%')).toEqual({ kind: 'error', message: 'daily_loss_soft (0.07) would be above daily_loss_hard (0.06); change daily_loss_hard first' });
    expect(await ask(admin, 'set_risk', 'wings', '1')).toMatchObject({ kind: 'error', message: expect.stringMatching(/^unknown risk key "wings"/) });
    expect(await confirmed(admin, 'set_risk', 'daily_loss_soft', '2%')).toEqual({ kind: 'risk_set', key: 'daily_loss_soft', previous: 0.03, value: 0.02 });
    const after = await ask(viewer, 'risk');
    expect(after.kind === 'risk' && after.keys.find((k) => k.key === 'daily_loss_soft')).toMatchObject({ value: 0.02, setBy: 'telegram:1' });
    expect(after.kind === 'risk' && after.readings[0]).toMatchObject({ name: 'daily_loss', soft: 0.02 });
    const audit = (await app.repos.audit.recent(20)).filter((a) => a.command.endsWith('set_risk')).reverse();
    expect(audit.map((a) => [a.userId, a.command, a.args, a.outcome])).toEqual([
      ['3', 'set_risk', 'daily_loss_soft 2%', 'refused'], ['1', 'set_risk', 'daily_loss_soft', 'error'], ['1', 'set_risk', 'daily_loss_soft lots', 'error'],
      ['1', 'set_risk', 'daily_loss_soft 7%', 'error'], ['1', 'set_risk', 'wings 1', 'error'], ['1', 'set_risk', 'daily_loss_soft 2%', 'confirm_requested'], ['1', 'confirm:set_risk', 'daily_loss_soft 2%', 'confirmed'],
    ]);
  });

  it('/orders lists the entries; /close needs a held symbol and a confirmation', async () => {
    at('2017-03-01', '09:30');
    await app.handlers.trade('2017-03-01', 'test');
    const orders = await ask(viewer, 'orders');
    expect(orders.kind === 'orders' && orders.orders.map((o) => [o.clientOrderId, o.status])).toEqual([ // newest first
      ['entry:UP:2017-03-01', 'filled'], ['entry:FLAT:2017-03-01', 'filled'], ['entry:CLOSEME:2017-03-01', 'filled'],
    ]);
    expect(await ask(admin, 'orders', 'x')).toEqual({ kind: 'error', message: 'usage: /orders [N] (N a whole number 1..100)' });
    expect(await ask(admin, 'close', 'ZZZ')).toEqual({ kind: 'error', message: 'no open position in ZZZ; held: CLOSEME, FLAT, UP' });
    expect(await ask(viewer, 'close', 'CLOSEME')).toMatchObject({ kind: 'refused' });
    at('2017-03-01', '11:00');
    const closed = await confirmed(admin, 'close', 'closeme');
    expect(closed).toMatchObject({ kind: 'closed', result: { closed: [{ symbol: 'CLOSEME', qty: 499 }], failed: [] } });
    expect((await app.repos.trading.positions()).map((p) => p.symbol)).toEqual(['FLAT', 'UP']);
    expect((await app.state.get()).status).toBe('RUNNING');
  });

  it('the monitor raises a trailing stop after a 10 % rise, exits on it, and time-exits a position held 2 days', async () => {
    at('2017-03-01', '16:05');
    await app.handlers.monitor('2017-03-01', 'test');
    at('2017-03-02', '16:05');
    const m2 = (await app.handlers.monitor('2017-03-02', 'test')) as { trailed: Array<{ symbol: string; stopLoss: number }> };
    expect(m2.trailed).toEqual([{ symbol: 'UP', stopLoss: 106.7 }]); // high 110 × 0.97
    at('2017-03-03', '16:05');
    const m3 = (await app.handlers.monitor('2017-03-03', 'test')) as { closed: Array<{ symbol: string; reason: string; exitPrice: number }> };
    // UP: low 104 reaches the 106.70 trailing stop → 106.70 × 0.9995; FLAT: 2 trading days held → sold at the close 50 × 0.9995
    expect(m3.closed.map((c) => [c.symbol, c.reason, c.exitPrice])).toEqual([['FLAT', 'time_exit', 49.975], ['UP', 'trailing_stop', 106.6467]]);
    expect(await app.repos.trading.positions()).toEqual([]);
  });

  it('/trades and /performance report what closed', async () => {
    at('2017-03-03', '17:00');
    const trades = await ask(viewer, 'trades');
    expect(trades.kind === 'trades' && trades.trades.map((t) => [t.symbol, t.reason, t.model, t.profile])).toEqual([
      ['UP', 'trailing_stop', 'test-model', 'conservative'], ['FLAT', 'time_exit', 'test-model', 'conservative'], ['CLOSEME', 'manual', 'test-model', 'conservative'],
    ]);
    const perf = await ask(viewer, 'performance');
    expect(perf.kind).toBe('performance');
    if (perf.kind !== 'performance') return;
    const closedTrades = await app.repos.trading.closedTrades('2017-03-01', '2017-03-03');
    const realized = closedTrades.reduce((s, t) => s + t.pnl, 0);
    const week = perf.periods.find((p) => p.label === 'week')!;
    expect(week).toMatchObject({ from: '2017-02-27', trades: 3, startEquity: 100_000 });
    expect(week.realizedPnl).toBeCloseTo(realized, 2);
    expect(week.pnl).toBeCloseTo((await app.repos.trading.cash()) - 100_000, 2); // everything is closed: P&L is the cash change
    expect(week.winRate).toBeCloseTo(closedTrades.filter((t) => t.pnl > 0).length / 3, 9);
    expect(perf.byModel).toEqual([expect.objectContaining({ key: 'test-model', trades: 3 })]);
    expect(perf.byProfile).toEqual([expect.objectContaining({ key: 'conservative', trades: 3 })]);
  });

  it('/close_all closes everything after confirmation, and says so when nothing is held', async () => {
    await app.repos.picks.replace('2017-03-06', 'conservative', [pick('FLAT', '2017-03-06', 50, 40, 80, 1), pick('CLOSEME', '2017-03-06', 20, 15, 30, 2)]);
    at('2017-03-06', '09:30');
    await app.handlers.trade('2017-03-06', 'test');
    expect((await app.repos.trading.positions()).map((p) => p.symbol)).toEqual(['CLOSEME', 'FLAT']);
    at('2017-03-06', '10:00');
    expect(await confirmed(admin, 'close_all')).toMatchObject({ kind: 'closed', result: { closed: [{ symbol: 'CLOSEME' }, { symbol: 'FLAT' }], failed: [] } });
    expect(await ask(admin, 'close_all')).toEqual({ kind: 'error', message: 'nothing to close: there are no open positions' });
  });
});
