/** The REST API on the real fastify server (listening on a port, called over HTTP) with the real command core
 * on real PostgreSQL and real bars: the OpenAPI document is valid and lists every route; every answer
 * matches its published schema; every role against every route; refusals audited; bad input answered 400
 * with the reason, missing things 404, our faults 500 without internals; rate limiting; off without tokens. */
import { Ajv } from 'ajv';
import formatsModule, { type FormatsPlugin } from 'ajv-formats';
import { Validator } from '@seriousme/openapi-schema-validator';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createApp, startProcess, type App, type RunningProcess } from '../../src/main.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { eventually, SP500_DIR } from '../helpers/tiller-process.js';
import { UNIVERSE } from '../helpers/shared-work.js';

const TRADE_DAY = '2017-06-02';
const TOKENS = { viewer: 'v'.repeat(20) + 'iewer-token', operator: 'o'.repeat(20) + 'perator-token', admin: 'a'.repeat(20) + 'dmin-token' };
const NAMES = { viewer: 'grafana', operator: 'ops', admin: 'root' };
type Who = keyof typeof TOKENS | 'none' | 'forged';

describe('REST API', () => {
  let db: TestDatabase;
  let config: AppConfig;
  const apps: App[] = [];
  const procs: RunningProcess[] = [];
  let app: App;
  let base = '';
  let backtestId = '';
  let openapi: { paths: Record<string, Record<string, { responses: Record<string, { content?: { 'application/json': { schema: object } } }>; security?: unknown }>> };

  const call = async (who: Who, method: string, url: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (who === 'forged') headers.authorization = `Bearer ${TOKENS.admin.slice(0, -1)}X`;
    else if (who !== 'none') headers.authorization = `Bearer ${TOKENS[who]}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };
  const start = async (c: AppConfig) => {
    const a = await createApp(c, { clock: new ManualClock(new Date(`${TRADE_DAY}T14:00:00Z`)), log: createLogger('silent') });
    apps.push(a);
    const p = await startProcess(a, 'bot');
    procs.push(p);
    return { app: a, base: `http://127.0.0.1:${p.port}` };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = {
      DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, CONSOLE_CHAT: 'off', PORT: '0', HOST: '127.0.0.1',
      TILLER_VAR_DIR: path.join('/tmp', `tiller-api-${process.pid}`),
      API_TOKENS: Object.entries(TOKENS).map(([role, t]) => `${NAMES[role as keyof typeof NAMES]}:${role}:${t}`).join(','),
    };
    const loaded = loadConfig({ env, dotenvDir: null });
    config = { ...loaded, marketData: { ...loaded.marketData, universe: UNIVERSE, historyDays: 1100 } };
    ({ app, base } = await start(config));
    procs.push(await startProcess(app, 'worker')); // takes the jobs the API queues
    await app.handlers.pipeline(TRADE_DAY, 'test');
    await app.handlers.picks(TRADE_DAY, 'test');
    await app.handlers.trade(TRADE_DAY, 'test');
    const bt = await app.core.handle({ transport: 'api', userId: 'root', chatId: 'api' }, 'backtest', ['baseline', 'conservative', '2017-03-01', '2017-05-31']);
    if (bt.kind !== 'backtest') throw new Error(`backtest: ${JSON.stringify(bt)}`);
    backtestId = bt.backtest.id;
    const m = await app.repos.models.add({
      kind: 'trees-gbt', version: 1, params: { trees: 50 }, dataFrom: '2014-06-02', dataTo: '2017-06-01', horizon: 5, folds: 2,
      metrics: { overall: { ic: 0.021, t: 1.4 }, folds: [{ ic: 0.03, t: 1.1 }, { ic: 0.012, t: null }] }, baseline: { ic: 0.015, t: 0.9 },
      backend: 'wasm', trainSeconds: 12.5, artefactPath: '/srv/tiller/var/models/trees-gbt-1.json', checksum: 'ab'.repeat(32),
    });
    await app.repos.models.reject(m.id, 'IC gain 0.006 below the 0.01 margin');
    openapi = (await call('none', 'GET', '/api/openapi.json')).body as typeof openapi;
  }, 240_000);
  afterAll(async () => {
    for (const p of procs) await p.stop();
    for (const a of apps) await a.close();
    await db?.drop();
  });

  const READS = ['/api/status', '/api/picks', `/api/picks/${TRADE_DAY}`, '/api/positions', '/api/orders', '/api/trades', '/api/performance', '/api/models'];

  it('publishes a valid OpenAPI 3 document listing every route with its schemas and the bearer scheme', async () => {
    const res = await new Validator().validate(openapi as unknown as Record<string, unknown>);
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    expect(Object.keys(openapi.paths).sort()).toEqual([
      '/api/admin/jobs/{name}/run', '/api/admin/pause', '/api/admin/resume', '/api/backtests/{id}', '/api/models', '/api/orders', '/api/performance',
      '/api/picks', '/api/picks/{day}', '/api/positions', '/api/status', '/api/trades',
    ]);
    for (const [p, methods] of Object.entries(openapi.paths)) {
      for (const op of Object.values(methods)) {
        const ok = op.responses['200'] ?? op.responses['202'];
        expect(ok?.content?.['application/json'].schema, p).toBeTruthy();
        for (const code of ['400', '401', '403', '429', '500']) expect(op.responses[code], `${p} ${code}`).toBeTruthy();
      }
    }
    expect((openapi as unknown as { components: { securitySchemes: object } }).components.securitySchemes).toEqual({ bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
  });

  it('answers every read route as its published schema says, and nothing beyond it', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    (formatsModule as unknown as { default: FormatsPlugin }).default(ajv);
    const schemaOf = (route: string, code: string) => {
      const p = route.replace(/\/20\d\d-\d\d-\d\d$/, '/{day}').replace(/\/backtests\/.*$/, '/backtests/{id}');
      return openapi.paths[p]!.get!.responses[code]!.content!['application/json'].schema;
    };
    for (const url of [...READS, `/api/backtests/${backtestId}`]) {
      const r = await call('viewer', 'GET', url);
      expect(r.status, `${url} ${JSON.stringify(r.body)}`).toBe(200);
      const valid = ajv.validate(schemaOf(url, '200'), r.body);
      expect(ajv.errors ?? [], url).toEqual([]);
      expect(valid).toBe(true);
    }
    // What the data looks like, so the schema checks above ran on real content.
    const picks = (await call('viewer', 'GET', '/api/picks')).body as { day: string; items: Array<{ symbol: string; sector: string | null }>; total: number };
    expect(picks.day).toBe(TRADE_DAY);
    expect(picks.total).toBeGreaterThan(0);
    expect(picks.items.every((p) => UNIVERSE.includes(p.symbol) && typeof p.sector === 'string')).toBe(true);
    const positions = (await call('viewer', 'GET', '/api/positions')).body as { positions: unknown[] };
    expect(positions.positions.length).toBeGreaterThan(0);
    const orders = (await call('viewer', 'GET', '/api/orders?limit=3')).body as { orders: Array<{ status: string }> };
    expect(orders.orders.length).toBe(3);
    const models = JSON.stringify((await call('viewer', 'GET', '/api/models')).body);
    expect(models).toContain('IC gain 0.006');
    expect(models).not.toContain('/srv/tiller'); // the artefact's path stays on the server
    const bt = (await call('viewer', 'GET', `/api/backtests/${backtestId}`)).body;
    expect(bt).toMatchObject({ id: backtestId, status: 'succeeded', strategy: 'baseline', from: '2017-03-01' });
    expect(bt).not.toHaveProperty('dir');
    expect(Object.keys(bt.metrics as object).length).toBeGreaterThan(3);
  });

  it('filters, sorts and pages the picks', async () => {
    const all = (await call('viewer', 'GET', '/api/picks?model=baseline&profile=conservative&limit=200')).body as { total: number; items: Array<{ symbol: string; score: number; rank: number; profile: string; strategy: string; sector: string }> };
    expect(all.total).toBeGreaterThan(3);
    expect(all.items.every((p) => p.profile === 'conservative' && p.strategy === 'baseline')).toBe(true);
    expect(all.items.map((p) => p.rank)).toEqual(all.items.map((_, i) => i + 1));
    const page = (await call('viewer', 'GET', '/api/picks?model=baseline&profile=conservative&sort=symbol&order=desc&offset=1&limit=2')).body as typeof all;
    const bySymbol = [...all.items].sort((a, b) => b.symbol.localeCompare(a.symbol));
    expect(page.items.map((p) => p.symbol)).toEqual(bySymbol.slice(1, 3).map((p) => p.symbol));
    expect(page).toMatchObject({ total: all.total, offset: 1, limit: 2 });
    const wanted = all.items[0]!.sector;
    const sector = (await call('viewer', 'GET', `/api/picks?model=baseline&profile=conservative&sector=${encodeURIComponent(wanted)}`)).body as { items: Array<{ symbol: string; sector: string }> };
    expect(sector.items.map((p) => p.symbol)).toEqual(all.items.filter((p) => p.sector === wanted).map((p) => p.symbol));
    expect(sector.items.length).toBeLessThan(all.items.length);
    const sameDay = (await call('viewer', 'GET', `/api/picks/${TRADE_DAY}?model=baseline&profile=conservative&limit=200`)).body;
    expect(sameDay).toEqual(all);
  });

  it('checks every role against every route and audits each refusal', async () => {
    await sql`delete from audit_log where transport = 'api'`.execute(app.db.db);
    const expectCode = (who: Who, minRole: 'viewer' | 'operator') => {
      if (who === 'none' || who === 'forged') return 401;
      if (minRole === 'operator' && who === 'viewer') return 403;
      return -1; // allowed: 200 or 202
    };
    const ACTS: Array<[string, string, unknown]> = [['POST', '/api/admin/pause', { reason: 'api test' }], ['POST', '/api/admin/resume', {}], ['POST', '/api/admin/jobs/report/run', undefined]];
    let refused = 0;
    for (const who of ['none', 'forged', 'viewer', 'operator', 'admin'] as const) {
      for (const url of [...READS, `/api/backtests/${backtestId}`]) {
        const r = await call(who, 'GET', url);
        const want = expectCode(who, 'viewer');
        if (want === -1) expect(r.status, `${who} ${url}`).toBe(200);
        else {
          expect(r.status, `${who} ${url}`).toBe(want);
          refused++;
        }
      }
      for (const [method, url, body] of ACTS) {
        const r = await call(who, method, url, body);
        const want = expectCode(who, 'operator');
        if (want === -1) expect(r.status, `${who} ${url} ${JSON.stringify(r.body)}`).toBe(url.endsWith('/run') ? 202 : 200);
        else {
          expect(r.status, `${who} ${url}`).toBe(want);
          expect(String(r.body.error)).toMatch(want === 401 ? /bearer token/ : /needs the operator role; you are viewer/);
          refused++;
        }
        if (want === 401) expect(r.headers.get('www-authenticate')).toBe('Bearer');
      }
    }
    const audit = await sql<{ user_id: string; command: string; outcome: string; role: string | null }>`select user_id, command, outcome, role from audit_log where transport = 'api'`.execute(app.db.db);
    const refusals = audit.rows.filter((r) => r.outcome === 'refused');
    expect(refusals.length).toBe(refused);
    expect(refusals.filter((r) => r.user_id === 'grafana').map((r) => r.command).sort()).toEqual(['pause', 'resume', 'run']);
    expect(refusals.filter((r) => r.user_id === '(no valid token)').length).toBe(2 * (READS.length + 1 + 3));
    expect(audit.rows.filter((r) => r.outcome === 'ok' && r.user_id === 'ops').map((r) => r.command)).toContain('pause');
    // No token, good or forged, ever reaches the audit log.
    expect(JSON.stringify(audit.rows)).not.toMatch(/-token|Bearer/);
    // The triggered jobs ran to their end, and the state ends RUNNING (the last call was a resume).
    await eventually(async () => ((await app.repos.jobRuns.latest()).find((r) => r.job === 'report' && r.finishedAt) ? true : undefined), 60_000, 'the report job');
    expect((await app.state.get()).status).toBe('RUNNING');
    const paused = (await call('operator', 'POST', '/api/admin/pause', { reason: 'lunch' })).body;
    expect(paused).toEqual({ from: 'RUNNING', to: 'PAUSED', reason: 'lunch' });
    expect((await app.state.get())).toMatchObject({ status: 'PAUSED', reason: 'lunch', changedBy: expect.stringContaining('ops') });
    await call('operator', 'POST', '/api/admin/resume');
  });

  it('answers bad input 400 with the reason, missing things 404, and its own faults 500 without internals', async () => {
    const bad: Array<[string, RegExp]> = [
      ['/api/picks?limit=0', /limit must be >= 1/],
      [`/api/picks?limit=${config.api.maxPageSize + 1}`, /limit must be <= 200/],
      ['/api/picks?profile=reckless', /profile must be equal to one of the allowed values/],
      ['/api/picks?colour=red', /must NOT have additional properties/],
      ['/api/picks/2017-02-30', /2017-02-30 is not a calendar day/],
      ['/api/picks/yesterday', /params\/day must match pattern/],
      ['/api/picks?model=martingale', /"martingale" is not a profile/],
      ['/api/orders?limit=abc', /limit must be integer/],
      ['/api/backtests/42', /params\/id must match pattern/],
    ];
    for (const [url, why] of bad) {
      const r = await call('viewer', 'GET', url);
      expect(r.status, url).toBe(400);
      expect(String(r.body.error), url).toMatch(why);
    }
    expect(await call('operator', 'POST', '/api/admin/jobs/sleep/run')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/"sleep" is not a job: use one of symbols, pipeline, picks/) } });
    expect(await call('operator', 'POST', '/api/admin/pause', { reson: 'typo' })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/body must NOT have additional properties/) } });
    expect(await call('operator', 'POST', '/api/admin/pause', { reason: 'x'.repeat(501) })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/reason must NOT have more than 500 characters/) } });
    expect(await call('viewer', 'GET', '/api/picks/2016-01-04')).toMatchObject({ status: 404, body: { error: `No picks for 2016-01-04 (the latest are of ${TRADE_DAY}).` } });
    expect(await call('viewer', 'GET', '/api/backtests/20990101T000000-abcdef')).toMatchObject({ status: 404, body: { error: expect.stringMatching(/^No backtest 20990101T000000-abcdef/) } });
    expect(await call('viewer', 'GET', '/api/nothing')).toMatchObject({ status: 404, body: { error: expect.stringMatching(/^No route GET \/api\/nothing/) } });
    // A fault of ours: the table is gone. The answer says so without a stack, SQL or a table name.
    await sql`alter table backtest_runs rename to backtest_runs_away`.execute(app.db.db);
    try {
      const r = await call('viewer', 'GET', `/api/backtests/${backtestId}`);
      expect(r).toMatchObject({ status: 500, body: { error: '/backtests failed because of an internal error; it has been logged.' } });
      expect(JSON.stringify(r.body)).not.toMatch(/backtest_runs|relation|at .*\.ts/);
    } finally {
      await sql`alter table backtest_runs_away rename to backtest_runs`.execute(app.db.db);
    }
  });

  it('rate-limits each client on its own, with Retry-After', async () => {
    const limited = await start({ ...config, api: { ...config.api, rateLimit: { max: 3, windowSeconds: 60 } } });
    const get = async (token: string | null) => fetch(`${limited.base}/api/status`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    for (let i = 0; i < 3; i++) expect((await get(TOKENS.viewer)).status).toBe(200);
    const over = await get(TOKENS.viewer);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await over.json()) as { error: string }).error).toMatch(/^Too many requests: at most 3 per 60 s; retry in \d+ s$/);
    // Another client has its own budget.
    expect((await get(TOKENS.operator)).status).toBe(200);
    // /health and /metrics are not the API's and are not limited by it.
    for (let i = 0; i < 5; i++) expect([200, 503]).toContain((await fetch(`${limited.base}/health`)).status);
  });

  it('is off without API_TOKENS: no /api routes at all', async () => {
    const off = await start({ ...config, api: { ...config.api, tokens: [] } });
    expect((await fetch(`${off.base}/api/status`, { headers: { authorization: `Bearer ${TOKENS.admin}` } })).status).toBe(404);
    expect((await fetch(`${off.base}/api/openapi.json`)).status).toBe(404);
    expect([200, 503]).toContain((await fetch(`${off.base}/health`)).status);
  });

  it('refuses malformed API_TOKENS at start, naming the entry but never its token', () => {
    const load = (API_TOKENS: string) => loadConfig({ env: { API_TOKENS }, dotenvDir: null });
    expect(() => load('ops:operator:short')).toThrow(/API_TOKENS: entry 1 is not name:role:token/);
    expect(() => load('ops:operator:short')).not.toThrow(/short/);
    expect(() => load(`a:viewer:${TOKENS.viewer},b:superuser:${TOKENS.admin}`)).toThrow(/entry 2 is not name:role:token/);
    expect(() => load(`a:viewer:${TOKENS.viewer},a:admin:${TOKENS.admin}`)).toThrow(/the name a is used twice/);
    expect(() => load(`a:viewer:${TOKENS.viewer},b:admin:${TOKENS.viewer}`)).toThrow(/b reuses another client's token/);
    expect(load(`a:viewer:${TOKENS.viewer}`).api.tokens).toEqual([{ name: 'a', role: 'viewer', token: TOKENS.viewer }]);
  });
});
