/** Every circuit breaker, on real PostgreSQL through the real composition root: each is tripped by a
 * constructed series (or by the real VIX history), and each test checks the state change, the alert, the
 * metric and the persisted trip, then that it clears exactly as README "Circuit breakers" says. Limits are
 * set the way an admin would: /set_risk, confirmed. */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { breakerStage, breakerTripsTotal } from '../../monitoring/metrics.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import type { BreakerName, Pick } from '../../src/domain/types.js';
import { createLogger } from '../../src/logger.js';
import { createApp, type App } from '../../src/main.js';
import { instantAt } from '../../src/market/market-time.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { writeSeries, type Bar } from '../helpers/csv-series.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { ROOT, SP500_DIR } from '../helpers/tiller-process.js';

const TZ = 'America/New_York';
const ADMIN = { transport: 'console', userId: 'local', chatId: 'console' };

const pick = (symbol: string, day: string, entry: number, stopLoss: number, rank = 1): Pick => ({
  day, profile: 'conservative', symbol, rank, score: 1, confidence: 1, entry, target: entry * 3, stopLoss, model: 'test-model', rationale: 'constructed',
});
const flat = (days: string[], price: number): Bar[] => days.map((d) => [d, price, price, price, price]);

async function trips(breaker: BreakerName, stage: 'soft' | 'hard'): Promise<number> {
  return (await breakerTripsTotal.get()).values.find((v) => v.labels.breaker === breaker && v.labels.stage === stage)?.value ?? 0;
}
async function stageGauge(breaker: BreakerName): Promise<number | undefined> {
  return (await breakerStage.get()).values.find((v) => v.labels.breaker === breaker)?.value;
}

interface Harness { app: App; clock: ManualClock; db: TestDatabase; at(day: string, time: string): void }
let open: Harness[] = [];

async function harness(dir: string, start: string, tweak?: (c: AppConfig) => AppConfig): Promise<Harness> {
  const db = await createTestDatabase();
  const base = loadConfig({ env: { DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: dir, CONSOLE_CHAT: 'on' }, dotenvDir: null });
  const clock = new ManualClock(instantAt(start, '08:00', TZ));
  const app = await createApp(tweak ? tweak(base) : base, { clock, log: createLogger('silent') });
  const h = { app, clock, db, at: (day: string, time: string) => clock.set(instantAt(day, time, TZ)) };
  open.push(h);
  return h;
}

/** Send a command as the console admin, pressing "confirm" when asked. */
async function command(app: App, name: string, ...args: string[]) {
  const r = await app.core.handle(ADMIN, name, args);
  if (r.kind !== 'confirm') return r;
  return app.core.confirm(ADMIN, r.token, true);
}

async function tripAlerts(app: App) {
  const rows = await app.db.db.selectFrom('alert_outbox').select('payload').where('type', '=', 'breaker_tripped').orderBy('id').execute();
  return rows.map((r) => r.payload as { breaker: string; stage: string; value: number; limit: number; day: string });
}

afterEach(async () => {
  for (const h of open) {
    await h.app.close();
    await h.db.drop();
  }
  open = [];
});

describe('circuit breakers', () => {
  it('daily loss, hard stage: a 50 % gap halts and flattens; it stays HALTED the next day and clears only by /resume', async () => {
    const days = ['2017-03-01', '2017-03-02', '2017-03-03'];
    const dir = writeSeries({
      AAA: [['2017-02-28', 100, 100, 100, 100], ['2017-03-01', 100, 100, 100, 100], ['2017-03-02', 50, 52, 49, 50], ['2017-03-03', 50, 50, 50, 50]],
      BBB: flat(['2017-02-28', ...days], 20),
    });
    const { app, at } = await harness(dir, '2017-03-01');
    expect(await command(app, 'set_risk', 'position_fraction', '20%')).toMatchObject({ kind: 'risk_set', value: 0.2 });
    await app.repos.picks.replace('2017-03-01', 'conservative', [pick('AAA', '2017-03-01', 100, 10)]);
    await app.repos.picks.replace('2017-03-02', 'conservative', [pick('BBB', '2017-03-02', 20, 10)]);
    at('2017-03-01', '09:30');
    await app.handlers.trade('2017-03-01', 'test');
    at('2017-03-01', '16:05');
    await app.handlers.monitor('2017-03-01', 'test');
    const before = await trips('daily_loss', 'hard');

    at('2017-03-02', '09:30');
    const r = (await app.handlers.trade('2017-03-02', 'test')) as { opened: unknown[]; skipped: string };
    expect(r.opened).toEqual([]);
    expect(r.skipped).toMatch(/^trading is HALTED: breaker:daily_loss/);
    const state = await app.state.get();
    expect(state).toMatchObject({ status: 'HALTED', changedBy: 'system' });
    // 199 × 100.05 + 1 bought; 99,989.05 at the close of 03-01, 90,039.05 at the open of 03-02
    expect(state.reason).toBe('breaker:daily_loss: 9.95 % ≥ hard limit 6.00 %');
    expect(await app.repos.trading.positions()).toEqual([]);
    expect((await app.repos.trading.ordersOn('2017-03-02')).map((o) => [o.clientOrderId, o.status])).toEqual([['halt:AAA:2017-03-02:opened-2017-03-01', 'filled']]);
    expect(await trips('daily_loss', 'hard')).toBe(before + 1);
    expect(await stageGauge('daily_loss')).toBe(2);
    expect((await tripAlerts(app)).at(-1)).toMatchObject({ breaker: 'daily_loss', stage: 'hard', limit: 0.06, day: '2017-03-02' });
    expect(await app.repos.state.trippedBreakers()).toMatchObject([{ name: 'daily_loss', stage: 'hard', day: '2017-03-02' }]);
    const status = await command(app, 'status');
    expect(status).toMatchObject({ kind: 'status', breakers: [{ name: 'daily_loss', stage: 'hard' }] });

    at('2017-03-03', '09:30');
    expect(await app.handlers.trade('2017-03-03', 'test')).toMatchObject({ skipped: expect.stringMatching(/^trading is HALTED/) });
    expect(await app.repos.state.trippedBreakers()).toHaveLength(1);
    expect(await command(app, 'resume')).toMatchObject({ kind: 'state_changed', to: 'RUNNING', reason: 'resumed by operator (cleared breakers: daily_loss)' });
    expect(await app.repos.state.trippedBreakers()).toEqual([]);
    expect(await stageGauge('daily_loss')).toBe(0);
  });

  it('max drawdown: a 9 % fall from the peak pauses at the close; it does not clear by itself; /resume restarts the peak', async () => {
    const days = ['2017-03-01', '2017-03-02', '2017-03-03', '2017-03-06'];
    const dir = writeSeries({
      AAA: [['2017-02-28', 100, 100, 100, 100], ['2017-03-01', 100, 100, 100, 100], ['2017-03-02', 100, 100, 90, 90], ['2017-03-03', 90, 90, 90, 90], ['2017-03-06', 90, 90, 90, 90]],
      BBB: flat(['2017-02-28', ...days], 10),
    });
    const { app, at } = await harness(dir, '2017-03-01');
    for (const [k, v] of [['max_position_pct', '100%'], ['max_sector_pct', '100%'], ['position_fraction', '90%'], ['daily_loss_hard', '90%'], ['daily_loss_soft', '50%'], ['drawdown_soft', '5%']]) {
      expect(await command(app, 'set_risk', k!, v!)).toMatchObject({ kind: 'risk_set' });
    }
    await app.repos.picks.replace('2017-03-01', 'conservative', [pick('AAA', '2017-03-01', 100, 10)]);
    await app.repos.picks.replace('2017-03-03', 'conservative', [pick('BBB', '2017-03-03', 10, 5)]);
    await app.repos.picks.replace('2017-03-06', 'conservative', [pick('BBB', '2017-03-06', 10, 5)]);
    at('2017-03-01', '09:30');
    await app.handlers.trade('2017-03-01', 'test');
    expect((await app.repos.trading.positions()).map((p) => [p.symbol, p.qty])).toEqual([['AAA', 899]]); // 90,000 / 100.05
    at('2017-03-01', '16:05');
    await app.handlers.monitor('2017-03-01', 'test');
    const before = await trips('max_drawdown', 'soft');
    at('2017-03-02', '16:05');
    await app.handlers.monitor('2017-03-02', 'test');
    const state = await app.state.get();
    expect(state.status).toBe('PAUSED');
    // peak 100,000 (the starting cash); 10,054.05 cash + 899 × 90 = 90,964.05
    expect(state.reason).toBe('breaker:max_drawdown: 9.04 % ≥ soft limit 5.00 %');
    expect(await trips('max_drawdown', 'soft')).toBe(before + 1);
    expect((await tripAlerts(app)).at(-1)).toMatchObject({ breaker: 'max_drawdown', stage: 'soft', limit: 0.05 });

    at('2017-03-03', '09:30');
    expect(await app.handlers.trade('2017-03-03', 'test')).toMatchObject({ skipped: expect.stringMatching(/^trading is PAUSED: breaker:max_drawdown/) });
    const risk = await command(app, 'risk');
    expect(risk).toMatchObject({ kind: 'risk' });
    expect(risk.kind === 'risk' && risk.readings.find((x) => x.name === 'max_drawdown')).toMatchObject({ tripped: 'soft', soft: 0.05, hard: 0.2 });

    at('2017-03-06', '09:30');
    await command(app, 'resume', 'drawdown accepted');
    const r = (await app.handlers.trade('2017-03-06', 'test')) as { opened: Array<{ symbol: string }> };
    expect(r.opened.map((o) => o.symbol)).toEqual(['BBB']);
    expect((await app.state.get()).status).toBe('RUNNING');
  });

  it('consecutive losses: 2 stopped trades pause; the next day clears it and the count restarts; 3 more halt until /resume', async () => {
    const d = ['2017-02-28', '2017-03-01', '2017-03-02', '2017-03-03', '2017-03-06', '2017-03-07'];
    // Each symbol is bought on its pick day at 100 and trades down to 80 the same day (stop 90).
    const series = (buyDay: string): Bar[] => d.map((day) => (day === buyDay ? [day, 100, 100, 80, 85] : [day, 100, 100, 100, 100]));
    const dir = writeSeries({ AAA: series('2017-03-01'), BBB: series('2017-03-01'), CCC: series('2017-03-02'), DDD: series('2017-03-03'), EEE: series('2017-03-03') });
    const { app, at } = await harness(dir, '2017-03-01');
    for (const [k, v] of [['loss_streak_soft', '2'], ['loss_streak_hard', '3']]) await command(app, 'set_risk', k!, v!);
    await app.repos.picks.replace('2017-03-01', 'conservative', [pick('AAA', '2017-03-01', 100, 90), pick('BBB', '2017-03-01', 100, 90, 2)]);
    await app.repos.picks.replace('2017-03-02', 'conservative', [pick('CCC', '2017-03-02', 100, 90)]);
    await app.repos.picks.replace('2017-03-03', 'conservative', [pick('DDD', '2017-03-03', 100, 90), pick('EEE', '2017-03-03', 100, 90, 2)]);
    const day = async (dd: string) => {
      at(dd, '09:30');
      const t = await app.handlers.trade(dd, 'test');
      at(dd, '16:05');
      const m = (await app.handlers.monitor(dd, 'test')) as { closed: Array<{ symbol: string; reason: string; pnl: number }> };
      return { t, m };
    };
    const soft0 = await trips('consecutive_losses', 'soft');
    const hard0 = await trips('consecutive_losses', 'hard');

    const d1 = await day('2017-03-01');
    expect(d1.m.closed.map((c) => [c.symbol, c.reason, c.pnl < 0])).toEqual([['AAA', 'stop', true], ['BBB', 'stop', true]]);
    expect((await app.state.get()).reason).toMatch(/^breaker:consecutive_losses: 2 losses in a row ≥ soft limit 2$/);
    expect(await trips('consecutive_losses', 'soft')).toBe(soft0 + 1);

    const d2 = await day('2017-03-02'); // cleared at the open, CCC bought and stopped: 1 loss since the clearance
    expect(d2.t).toMatchObject({ skipped: null, opened: [{ symbol: 'CCC' }] });
    expect(await app.state.get()).toMatchObject({ status: 'RUNNING', reason: 'circuit breakers cleared for 2017-03-02: consecutive_losses' });

    await day('2017-03-03'); // DDD and EEE stopped: 3 in a row since the clearance → hard
    const state = await app.state.get();
    expect(state.status).toBe('HALTED');
    expect(state.reason).toMatch(/^breaker:consecutive_losses: 3 losses in a row ≥ hard limit 3$/);
    expect(await trips('consecutive_losses', 'hard')).toBe(hard0 + 1);
    expect((await tripAlerts(app)).map((a) => [a.breaker, a.stage])).toEqual([['consecutive_losses', 'soft'], ['consecutive_losses', 'hard']]);

    at('2017-03-06', '09:30');
    expect(await app.handlers.trade('2017-03-06', 'test')).toMatchObject({ skipped: expect.stringMatching(/^trading is HALTED/) });
    await command(app, 'resume');
    expect(await app.repos.state.trippedBreakers()).toEqual([]);
    const risk = await command(app, 'risk');
    expect(risk.kind === 'risk' && risk.readings.find((x) => x.name === 'consecutive_losses')).toMatchObject({ value: 0, tripped: null });
  });

  it('cooldown: a second entry within 30 minutes pauses; it clears once the 30 minutes have passed', async () => {
    const dir = writeSeries({ AAA: flat(['2017-02-28', '2017-03-01'], 50), BBB: flat(['2017-02-28', '2017-03-01'], 40) });
    const { app, at } = await harness(dir, '2017-03-01');
    await command(app, 'set_risk', 'cooldown_minutes', '30');
    await app.repos.picks.replace('2017-03-01', 'conservative', [pick('AAA', '2017-03-01', 50, 40), pick('BBB', '2017-03-01', 40, 30, 2)]);
    const before = await trips('cooldown', 'soft');
    at('2017-03-01', '09:30');
    const first = (await app.handlers.trade('2017-03-01', 'test')) as { opened: Array<{ symbol: string }>; notes: string[] };
    expect(first.opened.map((o) => o.symbol)).toEqual(['AAA']);
    expect(first.notes).toContain('entries stopped: cooldown tripped');
    expect((await app.state.get()).reason).toBe('breaker:cooldown: 0 min since the last entry < soft limit 30');
    expect(await trips('cooldown', 'soft')).toBe(before + 1);
    expect(await stageGauge('cooldown')).toBe(1);
    expect((await tripAlerts(app)).at(-1)).toMatchObject({ breaker: 'cooldown', stage: 'soft', value: 0, limit: 30 });

    at('2017-03-01', '09:50');
    expect(await app.handlers.trade('2017-03-01', 'test')).toMatchObject({ skipped: expect.stringMatching(/^trading is PAUSED: breaker:cooldown/) });
    at('2017-03-01', '10:01');
    const later = (await app.handlers.trade('2017-03-01', 'test')) as { opened: Array<{ symbol: string }> };
    expect(later.opened.map((o) => o.symbol)).toEqual(['BBB']);
    expect((await app.state.get()).status).toBe('RUNNING');
    expect(await stageGauge('cooldown')).toBe(0);
  });

  it('volatility from the real VIX: soft at 28.03 (2015-08-21), hard at 40.74 (08-24); /resume holds for the day; soft clears below 25', async () => {
    const vix = path.resolve(ROOT, '../shared/data/vix-daily.csv');
    const { app, at } = await harness(SP500_DIR, '2015-08-24', (c) => ({
      ...c, trading: { ...c.trading, breakers: { ...c.trading.breakers, volatility: { source: 'index', indexCsv: vix, soft: 25, hard: 40 } } },
    }));
    for (const dd of ['2015-08-24', '2015-08-25', '2015-08-26', '2015-09-08', '2015-09-09']) {
      await app.repos.picks.replace(dd, 'conservative', [pick('AAPL', dd, 105, 80)]);
    }
    const soft0 = await trips('volatility', 'soft');
    const hard0 = await trips('volatility', 'hard');
    at('2015-08-24', '09:30');
    expect(await app.handlers.trade('2015-08-24', 'test')).toMatchObject({ opened: [], skipped: expect.stringMatching(/^trading is PAUSED: breaker:volatility/) });
    expect((await app.state.get()).reason).toBe('breaker:volatility: vix-daily close 28.0300 (2015-08-21) ≥ soft limit 25');

    at('2015-08-25', '09:30'); // already PAUSED, but the cycle still checks: the hard stage halts
    expect(await app.handlers.trade('2015-08-25', 'test')).toMatchObject({ skipped: expect.stringMatching(/^trading is HALTED/) });
    expect((await app.state.get()).reason).toBe('breaker:volatility: vix-daily close 40.7400 (2015-08-24) ≥ hard limit 40');
    const risk = await command(app, 'risk');
    expect(risk.kind === 'risk' && risk.readings.find((x) => x.name === 'volatility')).toMatchObject({ value: 40.74, tripped: 'hard' });
    expect(await trips('volatility', 'soft')).toBe(soft0 + 1);
    expect(await trips('volatility', 'hard')).toBe(hard0 + 1);
    expect((await tripAlerts(app)).map((a) => [a.stage, a.value])).toEqual([['soft', 28.03], ['hard', 40.74]]);

    await command(app, 'resume', 'VIX seen');
    at('2015-08-25', '16:10');
    const risk2 = await command(app, 'risk');
    expect(risk2.kind === 'risk' && risk2.readings.find((x) => x.name === 'volatility')).toMatchObject({ value: null, tripped: null });

    at('2015-08-26', '09:30'); // 36.02: soft again
    expect(await app.handlers.trade('2015-08-26', 'test')).toMatchObject({ opened: [], skipped: expect.stringMatching(/^trading is PAUSED/) });
    expect((await app.state.get()).reason).toMatch(/^breaker:volatility: vix-daily close 36\.0200/);
    at('2015-09-08', '09:30'); // 27.80 on 09-04: still above 25
    expect(await app.handlers.trade('2015-09-08', 'test')).toMatchObject({ skipped: expect.stringMatching(/^trading is PAUSED/) });
    at('2015-09-09', '09:30'); // 24.90 on 09-08: clears by itself, and AAPL is bought
    expect(await app.handlers.trade('2015-09-09', 'test')).toMatchObject({ skipped: null, opened: [{ symbol: 'AAPL' }] });
    expect(await app.state.get()).toMatchObject({ status: 'RUNNING', reason: 'circuit breakers cleared for 2015-09-09: volatility' });
  });
});
