/** Alert delivery from the outbox through the real telegraf client to the fake Bot API: rate limits are
 * honoured, order per chat is kept, nothing is sent twice; a dispatcher that restarts sends the rest. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TELEGRAM_RATE_LIMITS, TelegramBot } from '../../bots/telegram/telegram.bot.js';
import { createRepositories } from '../../db/repositories/index.js';
import { MemoryCache } from '../../src/adapters/memory/memory-cache.js';
import { MemoryEventBus } from '../../src/adapters/memory/memory-event-bus.js';
import { AlertDispatcher } from '../../src/alerts/alert-dispatcher.js';
import { AlertService } from '../../src/alerts/alert.service.js';
import { chatRateLimitedTotal } from '../../monitoring/metrics.js';
import { Authorizer } from '../../src/commands/auth.js';
import { CommandCore } from '../../src/commands/command-core.js';
import { TemporaryError } from '../../src/domain/errors.js';
import { createLogger } from '../../src/logger.js';
import { systemClock } from '../../src/ports/clock.port.js';
import type { Repositories } from '../../src/ports/repositories.port.js';
import { FakeTelegram } from '../fakes/telegram-bot-api.js';
import { openMigratedDatabase } from '../helpers/database.js';
import { eventually } from '../helpers/tiller-process.js';

describe('alert delivery to Telegram', () => {
  let t: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let repos: Repositories;
  let tg: FakeTelegram;
  let bot: TelegramBot;
  const bus = new MemoryEventBus();
  const log = createLogger('silent');
  let tgRoot = '';

  beforeAll(async () => {
    t = await openMigratedDatabase();
    repos = createRepositories(t.handle.db, t.handle.pool);
    tg = new FakeTelegram('42:abc');
    const apiRoot = await tg.start();
    tgRoot = apiRoot;
    const core = new CommandCore([], new Authorizer({}), repos.audit, new MemoryCache(), systemClock, 60, log);
    bot = new TelegramBot({ token: '42:abc', apiRoot, admins: [], operators: [], viewers: [], alertChats: ['-1', '-2'] }, core, 'USD', log);
  });
  afterAll(async () => {
    await tg.stop();
    await t.drop();
  });

  it('delivers every alert once, in order per chat, through 500s and 429s with retry_after, and across a restart', async () => {
    const alerts = new AlertService(repos.outbox, bus, () => [{ transport: 'telegram', chatId: '-1' }, { transport: 'telegram', chatId: '-2' }], repos.subscriptions);
    for (let i = 1; i <= 5; i++) {
      await alerts.raise({ type: 'job_failed', job: `job${i}`, error: 'boom', at: '2026-01-01T00:00:00Z' }, `k${i}`);
    }
    // Raising the same fact again stores nothing.
    expect(await alerts.raise({ type: 'job_failed', job: 'job1', error: 'boom', at: '2026-01-01T00:00:00Z' }, 'k1')).toBe(false);
    const limited = async () => (await chatRateLimitedTotal.get()).values.find((v) => v.labels.transport === 'telegram')?.value ?? 0;
    const limitedBefore = await limited();
    tg.rateLimitCount = 2;
    tg.retryAfter = 1;
    tg.failCount = 3; // then 500s for a while

    const first = new AlertDispatcher(repos.outbox, bus, { pollMs: 100, maxAttempts: 10 }, log);
    first.register('telegram', (chat, ev, o) => bot.sendAlert(chat, ev, o));
    await first.start();
    await eventually(() => (tg.sent.length >= 2 ? true : undefined), 10_000, 'first deliveries');
    await first.stop(); // a restart in the middle

    const second = new AlertDispatcher(repos.outbox, bus, { pollMs: 100, maxAttempts: 10 }, log);
    second.register('telegram', (chat, ev, o) => bot.sendAlert(chat, ev, o));
    await second.start();
    expect(await second.flush(15_000)).toBe(0);
    await second.stop();

    for (const chat of ['-1', '-2']) {
      const texts = tg.sent.filter((m) => m.chatId === chat).map((m) => /job\d/.exec(m.text)![0]);
      expect(texts).toEqual(['job1', 'job2', 'job3', 'job4', 'job5']);
    }
    const retried = await t.handle.db.selectFrom('alert_deliveries').select(['attempts', 'last_error']).where('attempts', '>', 1).execute();
    expect(retried.length).toBeGreaterThanOrEqual(1);
    expect(retried.some((r) => /Too Many Requests|Internal Server Error/.test(r.last_error ?? ''))).toBe(true);
    expect([tg.failCount, tg.rateLimitCount]).toEqual([0, 0]); // every 500 and 429 was served and got through
    expect((await limited()) - limitedBefore).toBe(2); // each 429 counted (the chat 429 storm alert reads it)
  }, 40_000);

  it('respects each chat\'s subscriptions: off is not sent, silent is sent without a notification', async () => {
    const targets = [{ transport: 'telegram', chatId: '-1' }, { transport: 'telegram', chatId: '-2' }];
    const alerts = new AlertService(repos.outbox, bus, () => targets, repos.subscriptions);
    await repos.subscriptions.set('telegram', '-1', ['daily_report'], 'off', 'test', new Date());
    await repos.subscriptions.set('telegram', '-2', ['daily_report'], 'silent', 'test', new Date());
    await repos.subscriptions.set('telegram', '-2', ['job_failed'], 'off', 'test', new Date());
    const curve = [{ day: '2017-02-28', equity: 100_000, drawdown: 0 }, { day: '2017-03-01', equity: 100_500, drawdown: 0 }];
    const report = { type: 'daily_report', day: '2017-03-01', equity: 100_500, cash: 50_000, dayPnl: 500, openPositions: 2, tradesClosed: 0, realizedPnl: 0, curve } as const;
    await alerts.raise(report, 'sub:report');
    await alerts.raise({ type: 'job_failed', job: 'subscribed', error: 'boom', at: '2026-01-01T00:00:00Z' }, 'sub:job');
    const before = tg.sent.length;
    const d = new AlertDispatcher(repos.outbox, bus, { pollMs: 100, maxAttempts: 10 }, log);
    d.register('telegram', (chat, ev, o) => bot.sendAlert(chat, ev, o));
    await d.start();
    expect(await d.flush(10_000)).toBe(0);
    await d.stop();
    const sent = tg.sent.slice(before).map((m) => [m.chatId, m.method, /Daily report|subscribed/.exec(m.text)?.[0], m.silent]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    // The report goes out as a photo of its chart, with the report as the caption.
    expect(sent).toEqual([['-1', 'sendMessage', 'subscribed', false], ['-2', 'sendPhoto', 'Daily report', true]]);
    const photo = tg.sent.slice(before).find((m) => m.method === 'sendPhoto')!.photo!;
    expect(photo.subarray(1, 4).toString()).toBe('PNG');
    expect(photo.length).toBeGreaterThan(5_000);
  });

  it('paces a chat to one message a second, and a transport that hangs never delays another', async () => {
    const alerts = new AlertService(repos.outbox, bus, () => [{ transport: 'telegram', chatId: '-1' }, { transport: 'stuck', chatId: 's1' }], repos.subscriptions);
    for (let i = 1; i <= 3; i++) await alerts.raise({ type: 'job_failed', job: `paced${i}`, error: 'x', at: '2026-01-01T00:00:00Z' }, `paced${i}`);
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((r) => (release = r));
    const d = new AlertDispatcher(repos.outbox, bus, { pollMs: 100, maxAttempts: 10 }, log);
    d.register('telegram', (chat, ev, o) => bot.sendAlert(chat, ev, o), TELEGRAM_RATE_LIMITS);
    d.register('stuck', () => stuck); // a transport whose every send hangs
    const before = tg.sent.length;
    await d.start();
    await eventually(() => (tg.sent.slice(before).length === 3 ? true : undefined), 10_000, 'three Telegram alerts while the other transport hangs');
    const at = tg.sent.slice(before).map((m) => m.at);
    expect(tg.sent.slice(before).map((m) => /paced\d/.exec(m.text)![0])).toEqual(['paced1', 'paced2', 'paced3']);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(950); // one a second in a chat, as Telegram asks
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(950);
    const stuckPending = await t.handle.db.selectFrom('alert_deliveries').select('status').where('transport', '=', 'stuck').orderBy('id').execute();
    // The hung transport's three are undelivered: the first claimed (being sent), the others waiting behind it.
    expect(stuckPending.map((r) => r.status)).toEqual(['sending', 'pending', 'pending']);
    release();
    expect(await d.flush(10_000)).toBe(0);
    await d.stop();
  });

  it('gives a stalled send up after its timeout as a temporary error, so it is retried', async () => {
    const impatient = new TelegramBot({ token: '42:abc', apiRoot: tgRoot, admins: [], operators: [], viewers: [], alertChats: [] },
      new CommandCore([], new Authorizer({}), repos.audit, new MemoryCache(), systemClock, 60, log), 'USD', log, 300);
    tg.stallMs = 2_000;
    await expect(impatient.sendAlert('-1', { type: 'job_failed', job: 'slow', error: 'x', at: '2026-01-01T00:00:00Z' }))
      .rejects.toThrow(new TemporaryError('Telegram did not answer within 300 ms'));
    tg.stallMs = 0;
  });
});
