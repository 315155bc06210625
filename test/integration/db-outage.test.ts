/** A database outage does not stop Tiller: with PostgreSQL cut off (a real TCP proxy in front of the real
 * server drops every connection and refuses new ones), chat commands answer that the database is unavailable,
 * the API answers 503, /health names the database, and the process carries on; when the database is back, the
 * same process answers again without a restart. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createApp, startProcess, type App, type RunningProcess } from '../../src/main.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { eventually, SP500_DIR } from '../helpers/tiller-process.js';

const TOKEN = 'o'.repeat(30);
const admin = { transport: 'console', userId: 'local', chatId: 'console' };

describe('a database outage', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let app: App;
  let proc: RunningProcess;
  beforeAll(async () => {
    db = await createTestDatabase();
    const real = new URL(db.url);
    proxy = new TcpProxy(real.hostname, Number(real.port || 5432));
    const port = await proxy.start();
    const viaProxy = new URL(db.url);
    viaProxy.port = String(port);
    const config = loadConfig({
      env: { DATABASE_URL: viaProxy.toString(), MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, CONSOLE_CHAT: 'on', PORT: '0', HOST: '127.0.0.1', API_TOKENS: `ops:operator:${TOKEN}`, TILLER_VAR_DIR: `/tmp/tiller-outage-${process.pid}` },
      dotenvDir: null,
    });
    app = await createApp(config, { clock: new ManualClock(new Date('2017-03-01T15:00:00Z')), log: createLogger('silent') });
    proc = await startProcess(app, 'bot');
  }, 60_000);
  afterAll(async () => {
    await proxy?.restore().catch(() => undefined);
    await proc?.stop();
    await app?.close();
    await db?.drop();
  });

  it('is answered as unavailable, seen by /health, and recovered from without a restart', async () => {
    const base = `http://127.0.0.1:${proc.port}`;
    const api = () => fetch(`${base}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect((await app.core.handle(admin, 'status', [])).kind).toBe('status');
    expect((await api()).status).toBe(200);

    await proxy.cut();
    const down = await app.core.handle(admin, 'status', []);
    expect(down).toEqual({ kind: 'error', message: 'The database is unavailable right now. Tiller keeps running and will answer again once it is back.', cause: 'unavailable' });
    expect(await app.core.handle(admin, 'positions', [])).toMatchObject({ kind: 'error', cause: 'unavailable' });
    const apiDown = await api();
    expect(apiDown.status).toBe(503);
    expect(await apiDown.json()).toEqual({ error: 'The database is unavailable right now. Tiller keeps running and will answer again once it is back.' });
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { down: string[] }).down).toContain('database');

    await proxy.restore();
    await eventually(async () => ((await app.core.handle(admin, 'status', [])).kind === 'status' ? true : undefined), 30_000, '/status to answer again');
    expect((await api()).status).toBe(200);
    await eventually(async () => ((await fetch(`${base}/health`)).status === 200 ? true : undefined), 30_000, '/health 200 again');
    // Calls during the outage could not be audited (their entries went to the log); those after it are stored.
    const audit = await app.repos.audit.recent(1);
    expect(audit[0]).toMatchObject({ transport: 'api', command: 'status', outcome: 'ok' });
  }, 90_000);
});
