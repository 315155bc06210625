/** A Tiller app on a fresh test database, for tests of the wired whole: the real composition root
 * (`createApp`) on real PostgreSQL with the CSV provider (the recorded S&P 500 unless `dataDir`), no console
 * chat and a silent log unless told otherwise. `close()` closes the app and drops its database. */
import { loadConfig, type AppConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createApp, type App } from '../../src/main.js';
import type { Clock } from '../../src/ports/clock.port.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { SP500_DIR } from './tiller-process.js';

export interface TestApp {
  app: App;
  db: TestDatabase;
  config: AppConfig;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Environment over the defaults (DATABASE_URL, MARKET_DATA=csv, MARKET_DATA_DIR, CONSOLE_CHAT=off). */
  env?: Record<string, string>;
  /** The CSV folder (default: the recorded S&P 500 in ../shared). */
  dataDir?: string;
  /** Changes to the loaded config (a universe, limits, model families). */
  configure?: (c: AppConfig) => AppConfig;
  clock?: Clock;
  log?: Logger;
}

export async function openTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  try {
    const env = { DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: opts.dataDir ?? SP500_DIR, CONSOLE_CHAT: 'off', ...opts.env };
    const loaded = loadConfig({ env, dotenvDir: null });
    const config = opts.configure ? opts.configure(loaded) : loaded;
    const app = await createApp(config, { clock: opts.clock, log: opts.log ?? createLogger('silent') });
    return {
      app, db, config,
      async close() {
        await app.close();
        await db.drop();
      },
    };
  } catch (err) {
    await db.drop();
    throw err;
  }
}
