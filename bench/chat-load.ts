/** Chat under load, through the real Telegram transport (telegraf long polling against the fake Bot API), on a
 * 505-symbol database after a short replay: 100 viewer chats send /status, /positions and /picks in turn at a
 * steady total rate for a fixed time, while an alert every 2 s is raised to 5 alert chats; prints reply latency, errors
 * and the alert latency from raising the event to the fake server receiving it. Figures, never assertions. */
import { loadConfig } from '../src/config.js';
import { pct } from './percentile.js';
import { createLogger } from '../src/logger.js';
import { createApp, runReplay, startProcess } from '../src/main.js';
import { ManualClock } from '../src/ports/clock.port.js';
import { FakeTelegram } from '../test/fakes/telegram-bot-api.js';
import { createTestDatabase } from '../test/helpers/database.js';
import { freePort, SP500_DIR } from '../test/helpers/tiller-process.js';

const CHATS = 100;
const ALERT_CHATS = 5;
const COMMANDS = ['/status', '/positions', '/picks'];
const ALERT_EVERY_MS = 2_000;


export interface LoadFigures {
  rate: number;
  seconds: number;
  sent: number;
  answered: number;
  errors: number;
  replyP50: number;
  replyP99: number;
  alertsRaised: number;
  alertsReceived: number;
  alertP50: number;
  alertP99: number;
}

/** Run the load at `rate` commands per second (all chats together) for `seconds`. */
export async function chatLoad(rates: number[], seconds: number): Promise<LoadFigures[]> {
  const db = await createTestDatabase();
  const tg = new FakeTelegram('3:load');
  const apiRoot = await tg.start();
  const chats = Array.from({ length: CHATS }, (_, i) => 10_001 + i);
  const alertChats = Array.from({ length: ALERT_CHATS }, (_, i) => -(20_001 + i));
  const config = loadConfig({
    env: {
      DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, TELEGRAM_BOT_TOKEN: '3:load', TELEGRAM_API_ROOT: apiRoot,
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
        out.push(await oneRun(rate, seconds));
        await new Promise((r) => setTimeout(r, 1_500)); // the next run's first alert is not held by this run's pacing
      }
    } finally {
      await proc.stop();
    }
  } finally {
    await app.close();
    await tg.stop();
    await db.drop();
  }
  return out;

  async function oneRun(rate: number, secs: number): Promise<LoadFigures> {
    const pendingReply = new Map<string, number>(); // chat → when its command was sent
    const replyMs: number[] = [];
    const alertSentAt = new Map<string, number>();
    const alertMs: number[] = [];
    let errors = 0;
    let sent = 0;
    let alertsRaised = 0;
    let seen = tg.sent.length;
    const scan = () => {
      for (; seen < tg.sent.length; seen++) {
        const m = tg.sent[seen]!;
        const asked = pendingReply.get(m.chatId);
        if (asked !== undefined) {
          replyMs.push(m.at - asked);
          pendingReply.delete(m.chatId);
          if (/^(⛔|⚠️)/.test(m.text)) errors++;
          continue;
        }
        const tag = /load-alert-\d+/.exec(m.text)?.[0];
        const raised = tag ? alertSentAt.get(tag) : undefined;
        if (raised !== undefined) alertMs.push(m.at - raised);
      }
    };
    const started = Date.now();
    const end = started + secs * 1000;
    let nextAlert = started;
    for (let i = 0; Date.now() < end; i++) {
      const due = started + (i * 1000) / rate;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const chat = chats[i % CHATS]!;
      if (pendingReply.has(String(chat))) errors++; // the previous command of this chat was never answered
      pendingReply.set(String(chat), Date.now());
      tg.sendText({ id: chat }, chat, COMMANDS[i % COMMANDS.length]!);
      sent++;
      // One alert every 2 s, delivered to each alert chat: under Telegram's one message a second per chat, so the
      // figure is the latency of delivery, not of the pacing queue.
      while (Date.now() >= nextAlert) {
        const tag = `load-alert-${alertsRaised}`;
        alertSentAt.set(tag, Date.now());
        void app.jobDeps.alerts.raise({ type: 'job_failed', job: tag, error: 'load test', at: new Date().toISOString() }, `${tag}:${rate}:${started}`);
        alertsRaised++;
        nextAlert += ALERT_EVERY_MS;
      }
      scan();
    }
    const drainUntil = Date.now() + 15_000;
    while ((pendingReply.size > 0 || alertMs.length < alertsRaised * ALERT_CHATS) && Date.now() < drainUntil) {
      await new Promise((r) => setTimeout(r, 50));
      scan();
    }
    errors += pendingReply.size;
    return {
      rate, seconds: secs, sent, answered: replyMs.length, errors, replyP50: pct(replyMs, 50), replyP99: pct(replyMs, 99),
      alertsRaised: alertsRaised * ALERT_CHATS, alertsReceived: alertMs.length, alertP50: pct(alertMs, 50), alertP99: pct(alertMs, 99),
    };
  }
}
