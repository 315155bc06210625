/** Fuzzing the command core and both chat transports (real telegraf and discord.js against fake servers) with
 * hostile users, arguments and button data, from a fixed seed so a failure replays. Strangers and a viewer send
 * every command with junk (NUL, right-to-left marks, markup, injection strings, 1e309, 400 digits) and press
 * forged buttons; then the admin sends junk arguments. Checked: zero unauthorised changes (every state table
 * is byte-for-byte what it was), every refusal audited and private (an ephemeral reply on Discord, an alert on
 * the press on Telegram, never an edit of a shared message), no crash, and no stack trace or secret in any
 * answer. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../bots/shared/parse-command.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createApp, startProcess, type App, type RunningProcess } from '../../src/main.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { seededRandom } from '../../src/backtest/monte-carlo.js';
import type { Actor, CommandResult } from '../../src/commands/command.types.js';
import { EPHEMERAL, FakeDiscord, type DiscordOutput } from '../fakes/discord-api.js';
import { FakeTelegram, type SentMessage } from '../fakes/telegram-bot-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { eventually, freePort, SP500_DIR } from '../helpers/tiller-process.js';

const TG_TOKEN = '4242:FUZZ-telegram-secret-token-xyz';
const DC_TOKEN = 'FUZZ-discord-secret-token-abc';
const API_SECRET = 'fuzzApiSecretToken_0123456789abcdef';
const SECRETS = [TG_TOKEN, DC_TOKEN, API_SECRET, 'FUZZ-'];
const ADMIN = '1';
const VIEWER = '3';
const TG_CHAT = -600;
const DC_CHANNEL = '600';

const JUNK = [
  '', '-1', '0', '1e309', 'NaN', 'Infinity', '-Infinity', '0x10', '9'.repeat(400), '<b>bold</b>', '</code>', '&amp;', '`', '**', '||spoiler||',
  '@everyone', '<@1>', "'; drop table positions; --", '\u0000', 'a\u0000b', '\u202eevil', '💥', 'ﾟ', '%s%n%x', '${process.env}', '__proto__',
  'constructor', '../../etc/passwd', 'AAPL', 'aapl', 'ZZZZ', 'all', 'conservative', 'aggressive', 'max_positions', 'daily_loss_soft', '5',
  'job_failed', 'off', 'pipeline', 'backtest', 'x'.repeat(3000),
];
const JUNK_NAMES = ['zz123', 'STATUS', 'status@other_bot', 'ｓtatus', 'stat\u0000us', '__proto__', 'constructor', 'toString', 'confirm', 'button', 'a'.repeat(300)];

/** Everything a user could see from one call, for the no-stack, no-secret checks. */
const seen: string[] = [];
function clean(text: string, where: string): void {
  seen.push(text);
  expect(text, `${where}: a stack trace`).not.toMatch(/\n\s+at |\bat [\w.<>]+ \(.*:\d+:\d+\)|node_modules|\.ts:\d+/);
  for (const s of SECRETS) expect(text, `${where}: a secret`).not.toContain(s);
}

describe('hostile users, arguments and buttons on the core and both transports', () => {
  const tg = new FakeTelegram(TG_TOKEN);
  const dc = new FakeDiscord(DC_TOKEN);
  let db: TestDatabase;
  let app: App;
  let proc: RunningProcess;
  let names: string[];
  /** Every state table but the audit log, each as one digest. */
  let snapshot: () => Promise<Record<string, string>>;

  beforeAll(async () => {
    const tgRoot = await tg.start();
    const dcRoot = await dc.start();
    db = await createTestDatabase();
    app = await createApp(loadConfig({
      env: {
        DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, PORT: String(await freePort()), HOST: '127.0.0.1', CONSOLE_CHAT: 'off',
        API_TOKENS: `ops:admin:${API_SECRET}`,
        TELEGRAM_BOT_TOKEN: TG_TOKEN, TELEGRAM_API_ROOT: tgRoot, TELEGRAM_ADMINS: ADMIN, TELEGRAM_VIEWERS: VIEWER, TELEGRAM_ALERT_CHATS: '-700',
        DISCORD_BOT_TOKEN: DC_TOKEN, DISCORD_APPLICATION_ID: dc.applicationId, DISCORD_GUILD_ID: dc.guildId, DISCORD_API_ROOT: dcRoot,
        DISCORD_ADMINS: ADMIN, DISCORD_VIEWERS: VIEWER, DISCORD_ALERT_CHANNELS: '700',
      },
      dotenvDir: null,
    }), { clock: new ManualClock(new Date('2017-03-01T15:00:00Z')), log: createLogger('silent') });
    await app.db.db.insertInto('positions').values({
      symbol: 'AAPL', qty: 10, avg_price: 140, stop_loss: 130, target: 160, opened_day: '2017-03-01', profile: 'conservative', high_water: 140, model: 'test',
    }).execute();
    proc = await startProcess(app, 'bot');
    await eventually(() => (dc.connected ? true : undefined), 30_000, 'discord connected');
    names = app.core.list().map((c) => c.name);
    const tables = (await app.db.pool.query<{ t: string }>(
      "select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'audit_log' order by 1",
    )).rows.map((r) => r.t);
    snapshot = async () => {
      const out: Record<string, string> = {};
      for (const t of tables) {
        out[t] = (await app.db.pool.query<{ d: string | null }>(`select md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as d from "${t}" x`)).rows[0]!.d ?? '';
      }
      return out;
    };
  }, 120_000);
  afterAll(async () => {
    await proc?.stop();
    await app?.close();
    await tg.stop();
    await dc.stop();
    await db?.drop();
  });

  const auditCount = async (where: string) => Number((await app.db.pool.query<{ n: string }>(`select count(*) as n from audit_log where ${where}`)).rows[0]!.n);

  it('strangers and a viewer change nothing; every refusal is audited and private; nothing leaks', async () => {
    const next = seededRandom(20261202);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const junkArgs = () => Array.from({ length: Math.floor(next() * 4) }, () => pick(JUNK).replace(/\s/g, '') || 'x');
    const hostile = () => (next() < 0.3 ? VIEWER : String(100 + Math.floor(next() * 1e6)));
    const before = await snapshot();
    const audited = await auditCount('true');
    let calls = 0;
    let refused = 0;

    // The core directly: 1,500 calls, every command and invented ones.
    for (let i = 0; i < 1_500; i++) {
      const actor: Actor = { transport: pick(['telegram', 'discord', 'console']), userId: hostile(), chatId: pick(['-600', '600', '1', '\u0000']), displayName: pick(JUNK) };
      const name = next() < 0.8 ? pick(names) : pick(JUNK_NAMES);
      const r: CommandResult = await app.core.handle(actor, name, junkArgs());
      calls++;
      if (r.kind === 'refused') refused++;
      const def = app.core.list().find((c) => c.name === name.toLowerCase());
      const mayRun = def !== undefined && (def.public === true || (actor.userId === VIEWER && def.minRole === 'viewer'));
      if (!mayRun) expect(['refused', 'error'], `/${name} by ${actor.userId}`).toContain(r.kind);
      expect(r.kind === 'error' && r.cause === 'internal', `${name}: internal error`).toBe(false);
      clean(JSON.stringify(r), `core /${name}`);
      if (i % 10 === 0) {
        const c = await app.core.confirm(actor, pick(['', 'zz', '00ff', 'a'.repeat(64), '\u0000']), next() < 0.5);
        calls++;
        if (c.kind === 'refused') refused++;
        expect(['refused', 'error']).toContain(c.kind);
        const b = await app.core.unknownButton(actor, pick(JUNK));
        calls++;
        refused++;
        expect(b.kind).toBe('refused');
      }
    }

    // Telegram: 150 messages and 60 button presses (forged data, random confirmation tokens).
    let lastReply: SentMessage | null = null;
    for (let i = 0; i < 150; i++) {
      const user = hostile();
      const name = next() < 0.85 ? pick(names) : pick(JUNK_NAMES);
      const text = `/${name} ${junkArgs().join(' ')}`.slice(0, 4_096);
      const sentBefore = tg.sent.length;
      tg.sendText({ id: Number(user), username: `u${user}` }, TG_CHAT, text);
      if (!parseCommand(text)) continue;
      calls++;
      lastReply = await tg.waitFor((m) => m.chatId === String(TG_CHAT) && m.method !== 'editMessageText', 15_000, sentBefore);
      if (lastReply.text.startsWith('⛔')) refused++;
      clean(lastReply.text, `telegram ${text.slice(0, 40)}`);
    }
    expect(lastReply).not.toBeNull();
    for (let i = 0; i < 60; i++) {
      const user = hostile();
      const data = next() < 0.5 ? `cf:${Math.floor(next() * 1e12).toString(16)}:${pick(['y', 'n'])}` : pick(JUNK).slice(0, 64);
      const answered = tg.answers.length;
      tg.pressButton({ id: Number(user), username: `u${user}` }, lastReply!, data);
      calls++;
      const a = await tg.waitForAnswer(() => true, 15_000, answered);
      expect(a.showAlert, `press ${JSON.stringify(data)}`).toBe(true);
      expect(a.userId).toBe(user);
      if (a.text.startsWith('⛔')) refused++;
      clean(a.text, `telegram press ${JSON.stringify(data)}`);
    }
    expect(tg.sent.filter((m) => m.method === 'editMessageText')).toEqual([]);

    // Discord: 150 slash commands with junk options, 60 forged button presses, 40 autocompletes.
    const defs = new Map(app.core.list().map((c) => [c.name, c]));
    const answers: Array<{ out: DiscordOutput; press: boolean }> = [];
    for (let i = 0; i < 150; i++) {
      const user = hostile();
      const name = pick(names);
      const options: Record<string, string | number> = {};
      for (const o of defs.get(name)!.options ?? []) {
        if (next() < 0.7) options[o.name] = o.type === 'integer' ? pick([0, -1, 2 ** 53, 5, 1e15]) : pick(JUNK).slice(0, 6_000) || 'x';
      }
      const r = await dc.ask({ id: user, username: `u${user}` }, DC_CHANNEL, name, options);
      calls++;
      answers.push({ out: r, press: false });
    }
    for (let i = 0; i < 60; i++) {
      const user = hostile();
      const before = dc.outputs.length;
      const id = dc.press({ id: user, username: `u${user}` }, DC_CHANNEL, next() < 0.5 ? `cf:${Math.floor(next() * 1e12).toString(16)}:y` : pick(JUNK).slice(0, 100) || 'x');
      calls++;
      answers.push({ out: await dc.waitFor((o) => o.interactionId === id && o.kind !== 'deferred', 15_000, before), press: true });
    }
    for (const { out, press } of answers) {
      const text = out.embeds[0]?.description ?? out.content;
      clean(text, `discord ${out.embeds[0]?.title ?? ''}`);
      // Its own reply (or the edit of its own deferred reply), never an update of someone else's message.
      expect(out.kind, text).toBe(press ? 'reply' : out.kind === 'edit' ? 'edit' : 'reply');
      const deferred = dc.outputs.find((o) => o.interactionId === out.interactionId && o.kind === 'deferred');
      if (text.startsWith('⛔') || text.startsWith('⚠️')) expect((deferred ?? out).flags & EPHEMERAL, text).toBe(EPHEMERAL);
      if (text.startsWith('⛔')) refused++;
    }
    const stranger = { id: '31337', username: 'eve' };
    for (let i = 0; i < 40; i++) {
      const before = dc.outputs.length;
      dc.autocomplete(stranger, DC_CHANNEL, 'close', 'symbol', pick(JUNK).slice(0, 100));
      const out = await dc.waitFor((o) => o.kind === 'autocomplete', 15_000, before);
      expect(out.choices).toEqual([]);
    }
    expect(await auditCount("user_id = '31337' and command = 'autocomplete:close' and outcome = 'refused'")).toBe(40);

    // Nothing changed; every call is in the audit log, every refusal with outcome refused.
    expect(await snapshot()).toEqual(before);
    expect(await auditCount('true')).toBe(audited + calls + 40);
    expect(await auditCount(`id > 0 and outcome = 'refused' and user_id <> '31337'`)).toBe(refused);
    expect(refused).toBeGreaterThan(1_000);
  }, 300_000);

  it('the admin\'s junk arguments are clear errors, never internal ones, and the process still answers', async () => {
    const next = seededRandom(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const admin: Actor = { transport: 'telegram', userId: ADMIN, chatId: '-600' };
    for (let i = 0; i < 600; i++) {
      const name = pick(names);
      if (name === 'run') continue; // queues real jobs: covered by its own tests
      const args = Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(JUNK).replace(/\s/g, '') || 'x');
      const r = await app.core.handle(admin, name, args);
      expect(r.kind === 'error' && r.cause === 'internal', `/${name} ${args.join(' ').slice(0, 60)}: ${JSON.stringify(r).slice(0, 200)}`).toBe(false);
      clean(JSON.stringify(r), `admin /${name}`);
    }
    // Still alive on both transports.
    const status = await tg.ask({ id: Number(ADMIN), username: 'admin' }, TG_CHAT, '/status');
    expect(status.text).toContain('Open positions: 1');
    const d = await dc.ask({ id: ADMIN, username: 'admin' }, DC_CHANNEL, 'status');
    expect(d.embeds[0]!.description).toContain('Open positions: 1');
    expect(seen.length).toBeGreaterThan(2_000);
  }, 300_000);
});
