/** The same scripted conversation (every command, with refusals, bad arguments and confirmations) runs
 * against the fake Telegram (real telegraf) and the fake Discord (real discord.js), each on a fresh Tiller
 * with the same data and clock. Every answer must say the same once each app's markup is taken off, refusals
 * and errors must be private on Discord, confirmations must come with buttons on both, and the two audit logs
 * must record the same commands, roles and outcomes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createApp, startProcess, type App, type RunningProcess } from '../../src/main.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { EPHEMERAL, FakeDiscord, type DiscordOutput } from '../fakes/discord-api.js';
import { FakeTelegram, type SentMessage } from '../fakes/telegram-bot-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { freePort, SP500_DIR } from '../helpers/tiller-process.js';

const ADMIN = '1';
const OPERATOR = '2';
const VIEWER = '3';
const STRANGER = '99';
const NOW = new Date('2017-03-01T15:00:00Z');

/** One step: who sends what, and whether a confirmation follows (pressed by whom, accepted or not). */
interface Step { user: string; text: string; presses?: Array<{ user: string; accept: boolean }> }

const SCRIPT: Step[] = [
  { user: STRANGER, text: '/status' },
  { user: STRANGER, text: '/whoami' },
  { user: VIEWER, text: '/help' },
  { user: VIEWER, text: '/status' },
  { user: VIEWER, text: '/picks' },
  { user: VIEWER, text: '/picks aggressive' },
  { user: VIEWER, text: '/positions' },
  { user: VIEWER, text: '/orders 5' },
  { user: VIEWER, text: '/trades' },
  { user: VIEWER, text: '/performance' },
  { user: VIEWER, text: '/daily' },
  { user: VIEWER, text: '/weekly' },
  { user: VIEWER, text: '/risk' },
  { user: VIEWER, text: '/jobs' },
  { user: VIEWER, text: '/alerts' },
  { user: VIEWER, text: '/whoami' },
  { user: VIEWER, text: '/pause' },
  { user: VIEWER, text: '/pipeline' },
  { user: OPERATOR, text: '/pipeline 2' },
  { user: OPERATOR, text: '/pause earnings week' },
  { user: OPERATOR, text: '/status' },
  { user: OPERATOR, text: '/resume all clear' },
  { user: OPERATOR, text: '/alerts job_failed silent' },
  { user: OPERATOR, text: '/set_risk max_positions 5' },
  { user: ADMIN, text: '/set_risk daily_loss_soft lots' },
  { user: ADMIN, text: '/close ZZZZ' },
  { user: ADMIN, text: '/close' }, // a required option left out
  { user: OPERATOR, text: '/run' },
  { user: OPERATOR, text: '/run backtest' },
  { user: VIEWER, text: '/picks bogus' },
  { user: ADMIN, text: '/set_risk max_positions 5', presses: [{ user: VIEWER, accept: true }, { user: ADMIN, accept: true }] },
  { user: ADMIN, text: '/risk' },
  { user: ADMIN, text: '/close_all' }, // nothing held: refused before any confirmation
  { user: ADMIN, text: '/emergency_stop test', presses: [{ user: ADMIN, accept: false }] },
  { user: ADMIN, text: '/emergency_stop drill', presses: [{ user: OPERATOR, accept: true }, { user: ADMIN, accept: true }] },
  { user: VIEWER, text: '/status' },
  { user: OPERATOR, text: '/resume' },
];

/** An answer without its app's markup, and what the app showed around it. */
interface Answer { text: string; private: boolean; buttons: number }

/** The words of an answer, the same on both apps: no markup, no ids or wall-clock times that differ. */
function plain(s: string): string {
  return s
    .replace(/<\/?(b|code)>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') // Telegram HTML
    .replace(/\*\*/g, '').replace(/`/g, '').replace(/\\([*_~`|>\\])/g, '$1') // Discord markdown
    .replace(/\b(telegram|discord)\b/g, 'APP').replace(/-?\b700\b/g, 'ALERTCHAT').replace(/-?\b600\b/g, 'CHAT')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, 'TIME').replace(/took \d+\.\d s/g, 'took N s');
}

interface Driver {
  send(user: string, text: string): Promise<Answer>;
  press(user: string, accept: boolean): Promise<Answer>;
}

async function startTiller(db: TestDatabase, env: Record<string, string>): Promise<{ app: App; proc: RunningProcess }> {
  const app = await createApp(loadConfig({
    env: { DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, PORT: String(await freePort()), HOST: '127.0.0.1', CONSOLE_CHAT: 'off', ...env },
    dotenvDir: null,
  }), { clock: new ManualClock(NOW), log: createLogger('silent') });
  return { app, proc: await startProcess(app, 'bot') };
}

describe('the same conversation on Telegram and on Discord', () => {
  const tg = new FakeTelegram('11:parity');
  const dc = new FakeDiscord('parity-token');
  const dbs: TestDatabase[] = [];
  const running: Array<{ app: App; proc: RunningProcess }> = [];
  let telegram: Driver;
  let discord: Driver;

  beforeAll(async () => {
    const tgRoot = await tg.start();
    const dcRoot = await dc.start();
    for (let i = 0; i < 2; i++) dbs.push(await createTestDatabase());
    running.push(await startTiller(dbs[0]!, {
      TELEGRAM_BOT_TOKEN: '11:parity', TELEGRAM_API_ROOT: tgRoot, TELEGRAM_ADMINS: ADMIN, TELEGRAM_OPERATORS: OPERATOR, TELEGRAM_VIEWERS: VIEWER, TELEGRAM_ALERT_CHATS: '-700',
    }));
    running.push(await startTiller(dbs[1]!, {
      DISCORD_BOT_TOKEN: 'parity-token', DISCORD_APPLICATION_ID: dc.applicationId, DISCORD_GUILD_ID: dc.guildId, DISCORD_API_ROOT: dcRoot,
      DISCORD_ADMINS: ADMIN, DISCORD_OPERATORS: OPERATOR, DISCORD_VIEWERS: VIEWER, DISCORD_ALERT_CHANNELS: '700',
    }));

    const CHAT = -600;
    let lastTg: SentMessage | null = null;
    const tgAnswer = (m: SentMessage): Answer => ({ text: plain(m.text), private: false, buttons: m.replyMarkup?.inline_keyboard?.flat().length ?? 0 });
    const isReply = (m: SentMessage) => m.chatId === String(CHAT) && m.method !== 'editMessageText';
    telegram = {
      async send(user, text) {
        const before = tg.sent.length;
        tg.sendText({ id: Number(user), username: `u${user}` }, CHAT, text);
        lastTg = await tg.waitFor(isReply, 15_000, before);
        return tgAnswer(lastTg);
      },
      async press(user, accept) {
        const before = tg.sent.length;
        const answered = tg.answers.length;
        if (!lastTg?.replyMarkup?.inline_keyboard) throw new Error(`no buttons on ${JSON.stringify(lastTg)}`);
        const button = lastTg.replyMarkup.inline_keyboard.flat()[accept ? 0 : 1]!;
        tg.pressButton({ id: Number(user), username: `u${user}` }, lastTg!, button.callback_data!);
        // A refusal is an alert on the press, seen by the presser alone; an outcome replaces the button message.
        for (let waited = 0; ; waited += 50) {
          const alert = tg.answers.slice(answered).find((a) => a.showAlert);
          if (alert) return { text: plain(alert.text), private: true, buttons: 0 };
          const edited = tg.sent.slice(before).find((m) => m.chatId === String(CHAT));
          if (edited) return tgAnswer(edited);
          if (waited > 15_000) throw new Error(`no answer to the press by ${user}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      },
    };

    const defs = new Map(running[1]!.app.core.list().map((c) => [c.name, c]));
    let lastDc: DiscordOutput | null = null;
    const dcAnswer = (o: DiscordOutput): Answer => ({
      text: plain(o.embeds[0]?.description ?? o.content), private: (o.flags & EPHEMERAL) !== 0, buttons: o.components.flatMap((r) => r.components).length,
    });
    discord = {
      async send(user, text) {
        const [name, ...args] = text.slice(1).split(' ');
        const options: Record<string, string | number> = {};
        (defs.get(name!)?.options ?? []).forEach((o, i) => {
          const v = o.rest ? args.slice(i).join(' ') : args[i];
          if (v) options[o.name] = o.type === 'integer' ? Number(v) : v;
        });
        lastDc = await dc.ask({ id: user, username: `u${user}` }, '600', name!, options);
        return dcAnswer(lastDc);
      },
      async press(user, accept) {
        const before = dc.outputs.length;
        const button = lastDc!.components.flatMap((r) => r.components)[accept ? 0 : 1]!;
        dc.press({ id: user, username: `u${user}` }, '600', button.custom_id!);
        return dcAnswer(await dc.waitFor((o) => o.kind === 'reply' || o.kind === 'update', 15_000, before));
      },
    };
  }, 120_000);

  afterAll(async () => {
    for (const r of running) {
      await r.proc.stop();
      await r.app.close();
    }
    await tg.stop();
    await dc.stop();
    for (const d of dbs) await d.drop();
  });

  it('answers every step alike, with the same refusals, errors and confirmations, and audits it alike', async () => {
    for (const step of SCRIPT) {
      const a = await telegram.send(step.user, step.text);
      const b = await discord.send(step.user, step.text);
      expect(b.text, step.text).toBe(a.text);
      expect(b.buttons, `${step.text}: buttons`).toBe(a.buttons);
      // What is refused or wrong is said privately on Discord, publicly nowhere else.
      expect(b.private, `${step.text}: private`).toBe(/^(⛔|⚠️)/.test(b.text));
      for (const p of step.presses ?? []) {
        const pa = await telegram.press(p.user, p.accept);
        const pb = await discord.press(p.user, p.accept);
        expect(pb.text, `${step.text}: press by ${p.user}`).toBe(pa.text);
        expect(pb.private, `${step.text}: press by ${p.user}, private`).toBe(pa.text.startsWith('⛔'));
        expect(pa.private, `${step.text}: press by ${p.user}, private on Telegram`).toBe(pa.text.startsWith('⛔'));
      }
    }
    const audits = await Promise.all(running.map(async (r) => (await r.app.db.db.selectFrom('audit_log').select(['user_id', 'command', 'args', 'role', 'outcome']).orderBy('id').execute())));
    expect(audits[1]).toEqual(audits[0]);
    expect(audits[0]!.length).toBeGreaterThanOrEqual(SCRIPT.length);
    // The conversation really went through its states: the emergency stop halted trading on both.
    expect(audits[0]!.map((a) => a.outcome)).toEqual(expect.arrayContaining(['refused', 'error', 'confirm_requested', 'confirmed']));
  }, 120_000);
});
