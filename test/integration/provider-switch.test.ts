/** Switching market data provider is configuration only: the same composition root and pipeline run on
 * ccxt (crypto profile) against the fake Binance; Alpaca without keys refuses to start, naming them. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/domain/errors.js';
import { createLogger } from '../../src/logger.js';
import { createApp, type App } from '../../src/main.js';
import { FakeBinance } from '../fakes/binance-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { ROOT } from '../helpers/tiller-process.js';

describe('market data provider by configuration', () => {
  const fake = new FakeBinance(path.resolve(ROOT, '../shared/data/crypto/BTC-USD.csv'));
  let db: TestDatabase;
  let app: App;

  beforeAll(async () => {
    const root = await fake.start();
    db = await createTestDatabase();
    const config = loadConfig({ env: { DATABASE_URL: db.url, TILLER_MARKET: 'crypto', MARKET_DATA: 'ccxt', CCXT_API_ROOT: root, CONSOLE_CHAT: 'off', TILLER_VAR_DIR: mkdtempSync(path.join(tmpdir(), 'tiller-ccxt-')) }, dotenvDir: null });
    app = await createApp(config, { log: createLogger('silent') });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await fake.stop();
  });

  it('runs the pipeline on ccxt: crypto calendar, BTC/USDT candles, indicators, metrics', async () => {
    const r = (await app.handlers.pipeline('2018-08-13', 'test')) as { asOf: string; symbols: number; candles: number; coverage: number };
    expect(r).toMatchObject({ asOf: '2018-08-12', symbols: 1, coverage: 1 });
    expect(r.candles).toBeGreaterThan(400);
    const last = await app.repos.indicators.onDay('2018-08-12');
    expect(last.map((x) => x.symbol)).toEqual(['BTC/USDT']);
    expect(last[0]!.sma200).not.toBeNull();
    // Crypto trades on Sundays: 2018-08-12 was one.
    expect(await app.repos.candles.countOn('2018-08-12')).toBe(1);
  });

  it('refuses Alpaca without keys, naming them', async () => {
    const config = loadConfig({ env: { DATABASE_URL: db.url, MARKET_DATA: 'alpaca' }, dotenvDir: null });
    await expect(createApp(config, { log: createLogger('silent') })).rejects.toThrow(new ConfigError('ALPACA_KEY_ID and ALPACA_SECRET_KEY: needed for MARKET_DATA=alpaca'));
  });
});
