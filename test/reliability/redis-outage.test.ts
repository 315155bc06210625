/** Redis going away never stops Tiller. A real Redis sits behind a TCP proxy; when the proxy drops every
 * connection and refuses new ones, the process carries on with its own cache and event bus: a confirmation
 * asked for and pressed during the outage works, an alert raised during it is delivered, /health names the
 * cache, and a `service_status` alert says what happened. When Redis returns, the process uses it again
 * (a new confirmation is stored in the real Redis) and says so. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createApp, startProcess, type App, type RunningProcess } from '../../src/main.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import type { Actor } from '../../src/commands/command.types.js';
import { FakeTelegram } from '../fakes/telegram-bot-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { eventually, freePort, SP500_DIR } from '../helpers/tiller-process.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN = '1';
const ALERT_CHAT = '-700';
const admin: Actor = { transport: 'telegram', userId: ADMIN, chatId: ADMIN };

describe('Redis down and back', () => {
  const tg = new FakeTelegram('77:redis-outage');
  const redisUrl = new URL(REDIS_URL);
  const proxy = new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
  const direct = new Redis(REDIS_URL);
  let db: TestDatabase;
  let app: App;
  let proc: RunningProcess;

  beforeAll(async () => {
    const tgRoot = await tg.start();
    const port = await proxy.start();
    db = await createTestDatabase();
    const viaProxy = new URL(REDIS_URL);
    viaProxy.port = String(port);
    app = await createApp(loadConfig({
      env: {
        DATABASE_URL: db.url, REDIS_URL: viaProxy.toString(), MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, PORT: String(await freePort()), HOST: '127.0.0.1',
        CONSOLE_CHAT: 'off', TELEGRAM_BOT_TOKEN: '77:redis-outage', TELEGRAM_API_ROOT: tgRoot, TELEGRAM_ADMINS: ADMIN, TELEGRAM_ALERT_CHATS: ALERT_CHAT,
      },
      dotenvDir: null,
    }), { clock: new ManualClock(new Date('2017-03-01T15:00:00Z')), log: createLogger('silent') });
    proc = await startProcess(app, 'bot');
  }, 60_000);
  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await proc?.stop();
    await app?.close();
    await proxy.cut().catch(() => undefined);
    direct.disconnect();
    await tg.stop();
    await db?.drop();
  });

  const health = async () => {
    const r = await fetch(`http://127.0.0.1:${proc.port}/health`);
    return { status: r.status, down: ((await r.json()) as { down?: string[] }).down ?? [] };
  };
  const alertsSaying = (text: string) => tg.sent.filter((m) => m.chatId === ALERT_CHAT && m.text.includes(text));

  it('carries on with its own cache and bus while Redis is down, alerts, and returns to Redis when it is back', async () => {
    // Up: a confirmation is kept in the real Redis.
    const ask = await app.core.handle(admin, 'set_risk', ['max_positions', '4']);
    expect(ask.kind).toBe('confirm');
    const token = (ask as { token: string }).token;
    expect(await direct.exists(`tiller:confirm:${token}`)).toBe(1);
    expect((await health()).status).toBe(200);

    await proxy.cut();
    // Down: a confirmation asked for and pressed now still works, in this process.
    const started = Date.now();
    const during = await app.core.handle(admin, 'set_risk', ['max_positions', '5']);
    expect(during.kind).toBe('confirm');
    expect(Date.now() - started).toBeLessThan(10_000); // the wait for Redis is bounded (1.5 s a call)
    const t2 = (during as { token: string }).token;
    expect(await direct.exists(`tiller:confirm:${t2}`)).toBe(0);
    expect((await app.core.confirm(admin, t2, true)).kind).toBe('risk_set');
    expect((await app.limits.current()).limits.maxOpenPositions).toBe(5);
    // The outage is alerted, and an alert raised during it is delivered (the bus is this process's own now).
    await eventually(() => (alertsSaying('redis is unavailable').length === 1 ? true : undefined), 30_000, 'the redis-down alert');
    await app.jobDeps.alerts.raise({ type: 'job_failed', job: 'during-outage', error: 'test', at: '2017-03-01T15:00:00Z' }, 'during-outage');
    await eventually(() => (alertsSaying('during-outage').length === 1 ? true : undefined), 30_000, 'an alert raised during the outage');
    const h = await health();
    expect(h.status).toBe(503);
    expect(h.down).toContain('cache');

    await proxy.restore();
    // Back: said once, and new confirmations go to the real Redis again.
    await eventually(() => (alertsSaying('redis is back').length === 1 ? true : undefined), 30_000, 'the redis-back alert');
    await eventually(async () => ((await health()).status === 200 ? true : undefined), 30_000, '/health after the outage');
    const after = await app.core.handle(admin, 'set_risk', ['max_positions', '6']);
    const t3 = (after as { token: string }).token;
    expect(await direct.exists(`tiller:confirm:${t3}`)).toBe(1);
    expect((await app.core.confirm(admin, t3, true)).kind).toBe('risk_set');
    expect((await app.limits.current()).limits.maxOpenPositions).toBe(6);
    // An alert raised now wakes the dispatcher through Redis again.
    await app.jobDeps.alerts.raise({ type: 'job_failed', job: 'after-outage', error: 'test', at: '2017-03-01T15:00:00Z' }, 'after-outage');
    await eventually(() => (alertsSaying('after-outage').length === 1 ? true : undefined), 30_000, 'an alert raised after the outage');
    expect(alertsSaying('redis is unavailable')).toHaveLength(1);
  }, 120_000);
});
