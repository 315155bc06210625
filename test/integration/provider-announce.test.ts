/** The start-up line about the market data provider: named when its probe answers; when it does not (no
 * internet: the real Yahoo adapter pointed at a closed port), what to do instead, in the same line. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { announceProvider, createApp, type App } from '../../src/main.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { SP500_DIR } from '../helpers/tiller-process.js';

describe('the market data provider at start', () => {
  let db: TestDatabase;
  const apps: App[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const a of apps) await a.close();
    await db?.drop();
  });
  const lines = async (env: Record<string, string>) => {
    const app = await createApp(loadConfig({ env: { DATABASE_URL: db.url, CONSOLE_CHAT: 'off', ...env }, dotenvDir: null }), { log: createLogger('silent') });
    apps.push(app);
    const said: Array<[string, string]> = [];
    await announceProvider({ config: app.config, market: app.market, log: { info: (_o: object, msg: string) => said.push(['info', msg]), warn: (_o: object, msg: string) => said.push(['warn', msg]) } as never });
    return said;
  };

  it('names the provider when it answers, and says what to do when it does not', async () => {
    expect(await lines({ MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR })).toEqual([['info', `market data: csv (recorded data in ${SP500_DIR}), answering`]]);
    const down = await lines({ MARKET_DATA: 'yahoo', YAHOO_API_ROOT: 'http://127.0.0.1:9' });
    expect(down).toHaveLength(1);
    expect(down[0]![0]).toBe('warn');
    expect(down[0]![1]).toMatch(/^market data: yahoo did not answer \(.+\); no internet\? Run on recorded data: MARKET_DATA=csv MARKET_DATA_DIR=\.\.\/shared\/data\/sp500 npm start$/);
  }, 60_000);
});
