/** /health checks the broker: the composition root wires the ccxt broker (paper mode, so the exchange's
 * testnet, routed to a fake Binance) and /health answers 503 naming `broker` when the exchange is gone. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpServer } from '../../bots/http/http.server.js';
import { healthChecks, type App } from '../../src/main.js';
import { FakeBinanceSpot } from '../fakes/binance-spot-trading-api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { ROOT } from '../helpers/tiller-process.js';

describe('/health and the broker', () => {
  const fake = new FakeBinanceSpot(path.resolve(ROOT, '../shared/data/crypto/BTC-USD.csv'), 'KEY', 'SECRET', () => null);
  let t: TestApp;
  let app: App;

  beforeAll(async () => {
    const url = await fake.start();
    t = await openTestApp({ env: { BROKER: 'ccxt', CCXT_API_KEY: 'KEY', CCXT_SECRET: 'SECRET', CCXT_TRADING_API_ROOT: url } });
    app = t.app;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is ok while the exchange answers, and names the broker when it does not', async () => {
    expect(app.broker.name).toBe('ccxt:binance');
    expect(app.broker.paper).toBe(true);
    const http = buildHttpServer(healthChecks(app));
    expect((await http.inject({ method: 'GET', url: '/health' })).json()).toMatchObject({ status: 'ok', checks: { broker: 'ok', database: 'ok', market_data: 'ok' } });
    await fake.stop();
    const res = await http.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ down: ['broker'] });
    await http.close();
  });
});
