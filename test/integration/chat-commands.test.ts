/** /whoami, /alerts, /jobs and /run through the real command registry and composition root, on real
 * PostgreSQL: who may do what, the errors for bad input, and what each changes. */
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderResult } from '../../bots/shared/render-result.js';
import { plainMarkup } from '../../bots/shared/markup.js';
import type { Actor, JobsResult } from '../../src/commands/command.types.js';
import { startProcess, type App } from '../../src/main.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { eventually } from '../helpers/tiller-process.js';

const viewer: Actor = { transport: 'telegram', userId: '3', chatId: '-10', displayName: 'vic' };
const operator: Actor = { transport: 'telegram', userId: '2', chatId: '-10' };
const stranger: Actor = { transport: 'telegram', userId: '99', chatId: '-10' };

describe('chat commands: whoami, alerts, jobs, run', () => {
  const clock = new ManualClock(new Date('2017-03-01T22:00:00Z'));
  let t: TestApp;
  let app: App;

  beforeAll(async () => {
    t = await openTestApp({ clock, env: { TELEGRAM_BOT_TOKEN: '1:x', TELEGRAM_OPERATORS: '2', TELEGRAM_VIEWERS: '3', TELEGRAM_ALERT_CHATS: '-10' } });
    app = t.app;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('/whoami answers anyone, a stranger too, with the ids and the role', async () => {
    expect(await app.core.handle(stranger, 'whoami', [])).toEqual({ kind: 'whoami', transport: 'telegram', userId: '99', chatId: '-10', displayName: null, role: null });
    expect(await app.core.handle(viewer, 'whoami', [])).toMatchObject({ userId: '3', displayName: 'vic', role: 'viewer' });
    expect(await app.core.handle(stranger, 'status', [])).toMatchObject({ kind: 'refused' });
    const audit = (await app.repos.audit.recent(3)).reverse().map((a) => [a.userId, a.command, a.outcome]);
    expect(audit).toEqual([['99', 'whoami', 'ok'], ['3', 'whoami', 'ok'], ['99', 'status', 'refused']]);
  });

  it('/alerts shows the chat\'s subscriptions; an operator changes them; bad input and other chats get clear errors', async () => {
    const shown = await app.core.handle(viewer, 'alerts', []);
    expect(shown).toMatchObject({ kind: 'alerts', receivesAlerts: true, changed: null });
    expect(shown.kind === 'alerts' && shown.modes.every((m) => m.mode === 'on')).toBe(true);
    expect(await app.core.handle(viewer, 'alerts', ['daily_report', 'off'])).toEqual({ kind: 'error', message: 'Changing alert subscriptions needs the operator role; /alerts alone shows them.' });
    const set = await app.core.handle(operator, 'alerts', ['daily_report', 'silent']);
    expect(set).toMatchObject({ changed: { types: ['daily_report'], mode: 'silent' } });
    expect(set.kind === 'alerts' && set.modes.find((m) => m.type === 'daily_report')?.mode).toBe('silent');
    expect(await app.core.handle(operator, 'alerts', ['all', 'off'])).toMatchObject({ changed: { mode: 'off' } });
    expect([...(await app.repos.subscriptions.forChat('telegram', '-10')).values()].every((m) => m === 'off')).toBe(true);
    expect(await app.core.handle(operator, 'alerts', ['trades', 'on'])).toMatchObject({ kind: 'error', message: expect.stringContaining('"trades" is not an alert type') as unknown });
    expect(await app.core.handle(operator, 'alerts', ['job_failed', 'loud'])).toEqual({ kind: 'error', message: '"loud" is not a mode: use on, silent or off' });
    expect(await app.core.handle(operator, 'alerts', ['job_failed'])).toEqual({ kind: 'error', message: 'Usage: /alerts [TYPE|all on|silent|off]' });
    expect(await app.core.handle({ ...operator, chatId: '2' }, 'alerts', ['job_failed', 'on'])).toEqual({ kind: 'error', message: 'This chat (2) is not an alert chat; add it to the alert chats in config first.' });
  });

  it('/run queues a job through Agenda for an operator (not a viewer); a worker runs it; /jobs shows its schedule and how it ended', async () => {
    expect(await app.core.handle(viewer, 'run', ['report'])).toEqual({ kind: 'refused', reason: '/run needs the operator role; you are viewer.' });
    expect(await app.core.handle(operator, 'run', ['reports'])).toEqual({ kind: 'error', message: '"reports" is not a job: use one of symbols, pipeline, picks, trade, monitor, snapshot, report, weekly, train, cleanup' });
    expect(await app.core.handle(operator, 'run', ['report'])).toEqual({ kind: 'job_started', job: 'report', day: '2017-03-01' });
    // Queued in Agenda's table: nothing runs it until a scheduler is started.
    const queued = await app.db.pool.query("select count(*)::int as n from agenda_jobs where name = 'report' and data->>'trigger' = 'chat:telegram:2'");
    expect(queued.rows[0].n).toBe(1);
    expect((await app.repos.jobRuns.latest()).find((r) => r.job === 'report')).toBeUndefined();
    const worker = await startProcess(app, 'worker');
    let jobs: JobsResult;
    try {
      jobs = await eventually(async () => {
        const r = (await app.core.handle(viewer, 'jobs', [])) as JobsResult;
        return r.jobs.find((j) => j.name === 'report')?.last?.finishedAt ? r : undefined;
      }, 30_000, 'the report run to finish');
    } finally {
      await worker.stop();
    }
    expect(jobs.timezone).toBe('America/New_York');
    expect(jobs.jobs.map((j) => [j.name, j.schedule])).toEqual([
      ['symbols', '0 7 * * 1'], ['pipeline', '0 8 * * 1-5'], ['picks', '30 8 * * 1-5'], ['trade', '30 9 * * 1-5'], ['monitor', '5 16 * * 1-5'],
      ['snapshot', '15 16 * * 1-5'], ['report', '30 16 * * 1-5'], ['weekly', '45 16 * * 1-5'], ['train', '0 6 * * 6'], ['cleanup', '30 4 * * 0'],
    ]);
    expect(jobs.jobs.find((j) => j.name === 'report')!.last).toMatchObject({ day: '2017-03-01', trigger: 'chat:telegram:2', outcome: 'success', error: null });
    // The run names the process that ran it (this one: the scheduler started here), and /jobs shows it.
    expect(jobs.jobs.find((j) => j.name === 'report')!.last!.worker).toBe(`${hostname()}:${process.pid}`);
    expect(renderResult(jobs, plainMarkup)).toMatch(new RegExp(`\\(chat:telegram:2\\), started \\S+ on ${hostname()}:${process.pid}, took`));
    expect(jobs.jobs.find((j) => j.name === 'pipeline')!.last).toBeNull();
  });

  it('the report job raises the daily report with its chart curve, and the weekly job on the week\'s last trading day the weekly report', async () => {
    const clock = app.clock as ManualClock;
    for (const [day, equity] of [['2017-02-27', 100_000], ['2017-02-28', 101_000], ['2017-03-01', 99_990], ['2017-03-02', 100_400]] as const) {
      await app.repos.trading.upsertSnapshot({ day, cash: equity, equity, exposure: 0, realizedPnl: 0, unrealizedPnl: 0, drawdown: Math.max(0, 1 - equity / 101_000) });
    }
    clock.set(new Date('2017-03-02T21:35:00Z')); // Thursday: not the week's last trading day
    expect(await app.handlers.report('2017-03-02', 'test')).toMatchObject({ type: 'daily_report', day: '2017-03-02' });
    expect(await app.handlers.weekly('2017-03-02', 'test')).toEqual({ skipped: '2017-03-02 is not the last trading day of its week' });
    // Outside a replay the snapshot job brings the shadow portfolios up to date (none here: no picks yet).
    expect(await app.handlers.snapshot('2017-03-02', 'test')).toEqual({ shadows: 0 });
    clock.set(new Date('2017-03-03T21:35:00Z')); // Friday
    await app.handlers.report('2017-03-03', 'test');
    await app.handlers.weekly('2017-03-03', 'test');
    const events = await app.db.db.selectFrom('alert_outbox').select(['type', 'dedupe_key', 'payload']).where('type', 'in', ['daily_report', 'weekly_report']).where('dedupe_key', 'not like', '%2017-03-01').orderBy('id').execute();
    expect(events.map((e) => e.dedupe_key)).toEqual(['daily_report:2017-03-02', 'daily_report:2017-03-03', 'weekly_report:2017-03-03']);
    const weekly = events[2]!.payload as { from: string; to: string; curve: Array<{ day: string; equity: number; drawdown: number }>; maxDrawdown: number };
    expect(weekly).toMatchObject({ from: '2017-02-27', to: '2017-03-03' });
    expect(weekly.curve.map((p) => p.day)).toEqual(['2017-02-27', '2017-02-28', '2017-03-01', '2017-03-02', '2017-03-03']);
    expect(weekly.curve[2]!.drawdown).toBeCloseTo(1 - 99_990 / 101_000, 6);
    expect(weekly.maxDrawdown).toBeGreaterThan(0.0099);
    const daily = await app.core.handle(viewer, 'daily', []);
    expect(daily).toMatchObject({ kind: 'report', report: { period: 'day', openPositions: 0 } });
  });

  it('/help lists /whoami, /alerts and /jobs to a viewer, not /run', async () => {
    const help = await app.core.handle(viewer, 'help', []);
    const names = help.kind === 'help' ? help.commands.map((c) => c.name) : [];
    expect(names).toEqual(expect.arrayContaining(['whoami', 'alerts', 'jobs']));
    expect(names).not.toContain('run');
  });

  it('/status of a fresh install names no 1970 date; /pause is refused while HALTED, with the reason, until /resume', async () => {
    const fresh = renderResult(await app.core.handle(viewer, 'status', []), plainMarkup);
    expect(fresh).toContain('Running since the first start: nobody has paused or halted it yet');
    expect(fresh).not.toContain('1970');
    // Data through the last trading day is fresh; a week later, without a pipeline run, it is stale.
    await app.handlers.pipeline('2017-03-01', 'test');
    expect(await app.repos.candles.lastDay()).toBe('2017-02-28');
    clock.set(new Date('2017-03-01T22:00:00Z'));
    expect(renderResult(await app.core.handle(viewer, 'status', []), plainMarkup)).not.toContain('Market data is stale');
    clock.set(new Date('2017-03-08T22:00:00Z'));
    try {
      expect(renderResult(await app.core.handle(viewer, 'status', []), plainMarkup)).toContain('⚠️ Market data is stale: the last stored bar is 2017-02-28, the last trading day 2017-03-07 (run the pipeline, or check the provider)');
    } finally {
      clock.set(new Date('2017-03-01T22:00:00Z'));
    }
    await app.state.set('HALTED', 'ada', 'emergency stop drill');
    expect(await app.core.handle(operator, 'pause', ['quiet day'])).toEqual({
      kind: 'error', message: 'trading is HALTED (emergency stop drill, by ada); a pause would lift the halt. /resume ends it, then /pause if you want PAUSED',
    });
    expect((await app.state.get()).status).toBe('HALTED');
    expect(await app.core.handle(operator, 'resume', [])).toMatchObject({ kind: 'state_changed', from: 'HALTED', to: 'RUNNING' });
    expect(await app.core.handle(operator, 'pause', ['quiet day'])).toMatchObject({ kind: 'state_changed', from: 'RUNNING', to: 'PAUSED' });
    await app.core.handle(operator, 'resume', []);
  });
});
