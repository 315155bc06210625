/** /backtest and /backtests through the real command registry and composition root, on real PostgreSQL
 * filled by the real pipeline: who may run one, the errors for bad input, the summary and chart it answers
 * with (the same figures `tiller backtest` writes), and the list of runs. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartOfResult } from '../../bots/shared/report-image.js';
import { parseBacktestArgs } from '../../src/commands/backtest.commands.js';
import type { Actor, CommandResult } from '../../src/commands/command.types.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import type { App } from '../../src/main.js';
import { openTestApp, type TestApp } from '../helpers/app.js';

const viewer: Actor = { transport: 'telegram', userId: '3', chatId: '-10' };
const operator: Actor = { transport: 'telegram', userId: '2', chatId: '-10' };
const UNIVERSE = ['AAPL', 'AMZN', 'BA', 'CAT', 'CVX', 'DIS', 'GE', 'HD', 'IBM', 'JNJ', 'JPM', 'KO', 'MCD', 'MMM', 'MRK', 'MSFT', 'NKE', 'PFE', 'PG', 'UNH', 'V', 'WMT', 'XOM'];

describe('chat: /backtest and /backtests', () => {
  let t: TestApp;
  let app: App;
  const varDir = path.join('/tmp', `tiller-bt-cmd-${process.pid}`);

  beforeAll(async () => {
    t = await openTestApp({
      env: { TELEGRAM_BOT_TOKEN: '1:x', TELEGRAM_OPERATORS: '2', TELEGRAM_VIEWERS: '3', TILLER_VAR_DIR: varDir },
      configure: (base) => ({ ...base, marketData: { ...base.marketData, universe: UNIVERSE, historyDays: 1100 } }),
      clock: new ManualClock(new Date('2017-06-01T22:00:00Z')),
    });
    app = t.app;
    await app.handlers.pipeline('2017-06-01', 'test');
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('reads its words in order, each optional, with clear errors', () => {
    const s = ['momentum-trend'];
    expect(parseBacktestArgs([], s, 'conservative')).toEqual({ strategy: 'momentum-trend', profile: 'conservative', from: undefined, to: undefined });
    expect(parseBacktestArgs(['aggressive', '2016-01-04'], s, 'conservative')).toEqual({ strategy: 'momentum-trend', profile: 'aggressive', from: '2016-01-04', to: undefined });
    expect(() => parseBacktestArgs(['moonshot'], s, 'conservative')).toThrow(/neither a strategy \(momentum-trend\), a profile \(conservative, aggressive\) nor a date/);
    expect(() => parseBacktestArgs(['2017-02-30'], s, 'conservative')).toThrow(/not a date/);
    expect(() => parseBacktestArgs(['2017-03-01', '2017-01-01'], s, 'conservative')).toThrow(/after/);
    expect(() => parseBacktestArgs(['2017-01-01', '2017-03-01', 'x'], s, 'conservative')).toThrow(/Usage/);
  });

  it('is for operators; a viewer is refused, and bad input gets the reason', async () => {
    expect(await app.core.handle(viewer, 'backtest', [])).toMatchObject({ kind: 'refused' });
    expect(await app.core.handle(operator, 'backtest', ['2017-13-01'])).toEqual({ kind: 'error', message: '"2017-13-01" is not a date like 2017-01-03' });
    expect(await app.core.handle(operator, 'backtest', ['2019-01-02'])).toMatchObject({ kind: 'error', message: expect.stringMatching(/stored data covers 2014-\d\d-\d\d to 2017-05-31/) });
  });

  it('runs over stored data and answers with the summary and chart of the report it wrote', async () => {
    const r = await app.core.handle(operator, 'backtest', ['aggressive', '2016-06-01', '2017-05-31']) as Extract<CommandResult, { kind: 'backtest' }>;
    expect(r.kind).toBe('backtest');
    const b = r.backtest;
    expect([b.profile, b.from, b.to, b.symbols]).toEqual(['aggressive', '2016-06-01', '2017-05-31', UNIVERSE.length]);
    expect(b.metrics.trades).toBeGreaterThan(10);
    const report = JSON.parse(readFileSync(path.join(b.dir, 'report.json'), 'utf8')) as { metrics: { totalReturn: number; trades: number } };
    expect(report.metrics.totalReturn).toBe(b.metrics.totalReturn);
    expect(report.metrics.trades).toBe(b.metrics.trades);
    const equity = readFileSync(path.join(b.dir, 'equity.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]));
    expect(b.curve.map((p) => p.equity)).toEqual(equity);
    expect(b.curve.every((p) => typeof p.benchmark === 'number')).toBe(true);
    expect(chartOfResult(r, 'USD')!.subarray(1, 4).toString()).toBe('PNG');

    const list = await app.core.handle(viewer, 'backtests', []);
    expect(list).toMatchObject({ kind: 'backtests', runs: [{ id: b.id, status: 'succeeded', profile: 'aggressive', requestedBy: 'chat:telegram:2', metrics: { trades: b.metrics.trades } }] });
    expect(await app.core.handle(viewer, 'backtests', ['x', 'y'])).toEqual({ kind: 'error', message: 'Usage: /backtests [ID]' });
    expect(await app.core.handle(viewer, 'backtests', ['x'])).toEqual({ kind: 'error', message: '"x" is not a backtest id (like 20180207T153000-a1b2c3; /backtests lists them)' });
    expect(await app.core.handle(viewer, 'backtests', [b.id])).toMatchObject({ kind: 'backtests', runs: [{ id: b.id, status: 'succeeded' }] });
    expect(await app.core.handle(viewer, 'backtests', ['20990101T000000-abcdef'])).toEqual({ kind: 'error', message: 'No backtest 20990101T000000-abcdef; /backtests lists the recent ones.', cause: 'not_found' });
  });
});
