/** Chat under load, through the real Telegram transport (telegraf long polling against the fake Bot API), on a
 * 505-symbol database after a short replay: many viewer chats send /status, /positions and /picks in turn at a
 * steady total rate for a fixed time, while an alert every 2 s is raised to 5 alert chats; prints reply latency,
 * errors, the alert latency from raising the event to the fake server receiving it, and this process's RSS
 * sampled each second. The fake Bot API and its users run in a process of their own (bench/chat-load-driver.ts),
 * as Telegram would, so the figures are Tiller's. Figures, never assertions. */
import { fork, type ChildProcess } from 'node:child_process';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createApp, runReplay, startProcess } from '../src/main.js';
import { ManualClock } from '../src/ports/clock.port.js';
import { createTestDatabase } from '../test/helpers/database.js';
import { freePort, SP500_DIR } from '../test/helpers/tiller-process.js';
import type { DriverFigures, DriverRun } from './chat-load-driver.js';

const ALERT_CHATS = 5;
const ALERT_EVERY_MS = 2_000;

export interface LoadFigures extends DriverFigures {
  rate: number;
  seconds: number;
  alertsRaised: number;
  /** Resident set size of the Tiller process sampled every second of the run: at its start, its peak, at its end (MB). */
  rssStartMb: number;
  rssPeakMb: number;
  rssEndMb: number;
}

/** The next message from the driver that has `key`. */
function fromDriver<K extends string>(driver: ChildProcess, key: K): Promise<Record<K, unknown>> {
  return new Promise((resolve, reject) => {
    const on = (m: Record<string, unknown>) => {
      if (!(key in m)) return;
      driver.off('message', on);
      resolve(m as Record<K, unknown>);
    };
    driver.on('message', on);
    driver.once('exit', (code) => reject(new Error(`the load driver exited (${code})`)));
  });
}

/** Run the load at each of `rates` commands per second (all `chats` together) for `seconds`. */
export async function chatLoad(rates: number[], seconds: number, chatCount = 100): Promise<LoadFigures[]> {
  const driver = fork(new URL('./chat-load-driver.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'] });
  const { apiRoot } = await fromDriver(driver, 'apiRoot');
  const db = await createTestDatabase();
  const chats = Array.from({ length: chatCount }, (_, i) => 10_001 + i);
  const alertChats = Array.from({ length: ALERT_CHATS }, (_, i) => -(20_001 + i));
  const config = loadConfig({
    env: {
      DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, TELEGRAM_BOT_TOKEN: '3:load', TELEGRAM_API_ROOT: String(apiRoot),
      TELEGRAM_VIEWERS: chats.join(','), TELEGRAM_ALERT_CHATS: alertChats.join(','), PORT: String(await freePort()), HOST: '127.0.0.1',
    },
    dotenvDir: null,
  });
  const clock = new ManualClock(new Date('2017-01-03T00:00:00Z'));
  const app = await createApp(config, { clock, log: createLogger('silent') });
  const out: LoadFigures[] = [];
  try {
    await runReplay(app, '2017-01-03', '2017-01-06'); // positions, picks and snapshots to show
    const proc = await startProcess(app, 'bot');
    try {
      for (const rate of rates) {
        out.push(await oneRun(rate));
        await new Promise((r) => setTimeout(r, 1_500)); // the next run's first alert is not held by this run's pacing
      }
    } finally {
      await proc.stop();
    }
  } finally {
    await app.close();
    driver.send({ stop: true });
    await db.drop();
  }
  return out;

  async function oneRun(rate: number): Promise<LoadFigures> {
    const alerts = Math.ceil((seconds * 1000) / ALERT_EVERY_MS);
    const run: DriverRun = { rate, seconds, chats, alertChats, alerts };
    const figures = fromDriver(driver, 'figures');
    driver.send({ run });
    const mb = () => process.memoryUsage().rss / 1024 / 1024;
    const rss = [mb()];
    const sampler = setInterval(() => rss.push(mb()), 1_000);
    // One alert every 2 s, delivered to each alert chat: under Telegram's one message a second per chat, so the
    // figure is the latency of delivery, not of the pacing queue.
    for (let n = 0; n < alerts; n++) {
      const tag = `load-alert-${n}@${Date.now()}`;
      void app.jobDeps.alerts.raise({ type: 'job_failed', job: tag, error: 'load test', at: new Date().toISOString() }, `${tag}:${rate}`);
      await new Promise((r) => setTimeout(r, ALERT_EVERY_MS));
    }
    const f = (await figures).figures as DriverFigures;
    clearInterval(sampler);
    rss.push(mb());
    return { ...f, rate, seconds, alertsRaised: alerts * ALERT_CHATS, rssStartMb: rss[0]!, rssPeakMb: Math.max(...rss), rssEndMb: rss.at(-1)! };
  }
}
