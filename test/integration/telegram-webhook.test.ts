/** Telegram in webhook mode: Tiller registers its URL and secret with setWebhook, the fake Bot API posts
 * updates there as Telegram does, the real telegraf client answers through the Bot API, and a post without
 * the secret is refused. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/domain/errors.js';
import { startProcess, type App, type RunningProcess } from '../../src/main.js';
import { FakeTelegram } from '../fakes/telegram-bot-api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { eventually, freePort } from '../helpers/tiller-process.js';

const SECRET = 'hook-secret-0123456789';
const VIEWER = { id: 3, username: 'vic' };

describe('Telegram webhook mode', () => {
  const tg = new FakeTelegram('7:hook');
  let t: TestApp;
  let app: App;
  let proc: RunningProcess;
  let hookUrl = '';

  beforeAll(async () => {
    const apiRoot = await tg.start();
    const port = await freePort();
    hookUrl = `http://127.0.0.1:${port}/telegram/hook`;
    t = await openTestApp({
      env: {
        PORT: String(port), HOST: '127.0.0.1', TELEGRAM_BOT_TOKEN: '7:hook',
        TELEGRAM_API_ROOT: apiRoot, TELEGRAM_VIEWERS: String(VIEWER.id), TELEGRAM_WEBHOOK_URL: hookUrl, TELEGRAM_WEBHOOK_SECRET: SECRET,
      },
    });
    app = t.app;
    proc = await startProcess(app, 'bot');
  });
  afterAll(async () => {
    await proc?.stop();
    await t?.close();
    await tg.stop();
  });

  it('registers the webhook with its secret and never polls', () => {
    expect(tg.webhook).toEqual({ url: hookUrl, secret: SECRET });
    expect(tg.calls.filter((c) => c.method === 'getUpdates')).toEqual([]);
    expect(tg.calls.find((c) => c.method === 'setWebhook')?.body).toMatchObject({ allowed_updates: ['message', 'callback_query'] });
  });

  it('answers a command posted to the webhook', async () => {
    const reply = await tg.ask(VIEWER, VIEWER.id, '/status');
    expect(reply.text).toContain('Status');
    expect(reply.text).toContain('RUNNING');
    await eventually(() => (tg.webhookStatuses.length > 0 ? true : undefined), 5_000, 'the webhook answer');
    expect(tg.webhookStatuses).toEqual([200]);
  });

  it('answers /weekly with a photo of the chart, the report as its caption', async () => {
    const before = tg.sent.length;
    tg.sendText(VIEWER, VIEWER.id, '/weekly');
    const photo = await tg.waitFor((m) => m.method === 'sendPhoto', 10_000, before);
    expect(photo.text).toContain('<b>Weekly report</b>');
    expect(photo.photo!.subarray(1, 4).toString()).toBe('PNG');
  });

  it('refuses posts without the secret or with a wrong one, and handles nothing', async () => {
    const before = tg.sent.length;
    const update = { update_id: 999, message: { message_id: 1, date: 0, text: '/status', from: { id: 3, is_bot: false, first_name: 'x' }, chat: { id: 3, type: 'private' } } };
    const post = (headers: Record<string, string>) => fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(update) });
    expect((await post({})).status).toBe(403);
    expect((await post({ 'x-telegram-bot-api-secret-token': 'wrong-secret-0123456789' })).status).toBe(403);
    await new Promise((r) => setTimeout(r, 200));
    expect(tg.sent.length).toBe(before);
  });

  it('refuses a webhook URL without a secret at start-up', () => {
    expect(() => loadConfig({ env: { TELEGRAM_BOT_TOKEN: '7:x', TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/hook' }, dotenvDir: null }))
      .toThrow(new ConfigError('TELEGRAM_WEBHOOK_SECRET: webhook mode needs a secret, so that only Telegram can post updates'));
  });
});
