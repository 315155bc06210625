/** The Discord transport end to end with the real discord.js client against a fake Discord (REST and a
 * gateway WebSocket): slash commands generated from the registry and registered in the guild, replies as
 * embeds, refusals and errors ephemeral, roles by user id and by guild role, a confirmation button only the
 * requester can press, symbol autocomplete, and alerts posted to the alert channel (silently where asked,
 * through a 429). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcess, type App, type RunningProcess } from '../../src/main.js';
import { EPHEMERAL, FakeDiscord, SUPPRESS_NOTIFICATIONS, type DiscordUser } from '../fakes/discord-api.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { eventually, freePort } from '../helpers/tiller-process.js';

const ADMIN: DiscordUser = { id: '500', username: 'ada' };
const VIEWER: DiscordUser = { id: '501', username: 'vic' };
const DESK_OPERATOR: DiscordUser = { id: '502', username: 'ops', roles: ['777'] }; // operator by guild role
const STRANGER: DiscordUser = { id: '999', username: 'eve' };
const CHANNEL = '600';

describe('Discord transport (discord.js against a fake Discord)', () => {
  const discord = new FakeDiscord('discord-token');
  let t: TestApp;
  let app: App;
  let proc: RunningProcess;

  beforeAll(async () => {
    const api = await discord.start();
    t = await openTestApp({
      env: {
        PORT: String(await freePort()), HOST: '127.0.0.1',
        DISCORD_BOT_TOKEN: 'discord-token', DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_GUILD_ID: discord.guildId, DISCORD_API_ROOT: api,
        DISCORD_ADMINS: ADMIN.id, DISCORD_VIEWERS: VIEWER.id, DISCORD_OPERATOR_ROLES: '777', DISCORD_ALERT_CHANNELS: CHANNEL,
      },
    });
    app = t.app;
    await app.db.db.insertInto('positions').values({
      symbol: 'AAPL', qty: 10, avg_price: 140, stop_loss: 130, target: 160, opened_day: '2017-03-01', profile: 'conservative', high_water: 140, model: 'test',
    }).execute();
    proc = await startProcess(app, 'bot');
  }, 60_000);
  afterAll(async () => {
    await proc?.stop();
    await t?.close();
    await discord.stop();
  });

  it('registers every command of the registry in the guild, with typed options, choices and autocomplete', () => {
    expect(discord.identifies).toHaveLength(1);
    const registered = discord.commands.get(discord.guildId)!;
    expect(registered.map((c) => c.name)).toEqual(app.core.list().map((c) => c.name));
    const byName = new Map(registered.map((c) => [c.name, c as { options: Array<Record<string, unknown>> }]));
    expect(byName.get('close')!.options).toEqual([{ type: 3, name: 'symbol', description: 'A symbol Tiller holds', required: true, autocomplete: true }]);
    expect(byName.get('orders')!.options[0]).toMatchObject({ type: 4, name: 'n', required: false });
    expect(byName.get('picks')!.options[0]).toMatchObject({ choices: [{ name: 'conservative', value: 'conservative' }, { name: 'aggressive', value: 'aggressive' }] });
    expect((byName.get('set_risk')!.options[0]!.choices as unknown[]).length).toBe(17);
  });

  it('answers /status with an embed everyone in the channel sees', async () => {
    const r = await discord.ask(VIEWER, CHANNEL, 'status');
    expect(r.kind).toBe('reply');
    expect(r.flags & EPHEMERAL).toBe(0);
    expect(r.embeds[0]!.title).toBe('/status');
    expect(r.embeds[0]!.description).toContain('**RUNNING**');
    expect(r.embeds[0]!.description).toContain('Open positions: 1');
  });

  it('refuses a stranger privately, and says who they are on /whoami', async () => {
    const refused = await discord.ask(STRANGER, CHANNEL, 'positions');
    expect(refused.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(refused.embeds[0]!.description).toContain('You are not authorised to use this bot (user id 999)');
    const who = await discord.ask(STRANGER, CHANNEL, 'whoami');
    expect(who.embeds[0]!.description).toContain('user id `999` on discord');
    expect(who.embeds[0]!.description).toContain('Role: none');
  });

  it('gives the operator role by guild role id, and passes options as arguments', async () => {
    const r = await discord.ask(DESK_OPERATOR, CHANNEL, 'pause', { reason: 'earnings week' });
    expect(r.embeds[0]!.description).toContain('Trading is now **PAUSED** (was RUNNING): earnings week');
    expect(await discord.ask(VIEWER, CHANNEL, 'resume')).toMatchObject({ flags: EPHEMERAL });
    const resumed = await discord.ask(DESK_OPERATOR, CHANNEL, 'resume');
    expect(resumed.embeds[0]!.description).toContain('**RUNNING**');
  });

  it('shows bad arguments as a private, specific error', async () => {
    const r = await discord.ask(ADMIN, CHANNEL, 'set_risk', { key: 'daily_loss_soft', value: 'lots' });
    expect(r.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(r.embeds[0]!.description).toMatch(/^⚠️ daily\\_loss\\_soft: "lots" is not/); // Discord markdown escapes the underscores
    expect(r.embeds[0]!.description).not.toMatch(/at .*\.ts:\d+/); // no stack trace in chat
  });

  it('asks for confirmation with buttons that only the requester can press', async () => {
    const ask = await discord.ask(ADMIN, CHANNEL, 'close', { symbol: 'AAPL' });
    const buttons = ask.components[0]!.components;
    expect(buttons.map((b) => b.label)).toEqual(['Confirm', 'Cancel']);
    const confirm = buttons[0]!.custom_id!;
    let n = discord.outputs.length;
    discord.press(VIEWER, CHANNEL, confirm);
    const notYours = await discord.waitFor((o) => o.kind === 'reply', 10_000, n);
    expect(notYours.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(notYours.embeds[0]!.description).toContain('Only the user who asked for this command can confirm it.');
    n = discord.outputs.length;
    discord.press(ADMIN, CHANNEL, buttons[1]!.custom_id!); // the requester cancels
    const cancelled = await discord.waitFor((o) => o.kind === 'update', 10_000, n);
    expect(cancelled.embeds[0]!.description).toBe('/close cancelled.');
    expect(cancelled.components).toEqual([]);
    expect(await app.repos.trading.positions()).toHaveLength(1);

    // The used-up button, pressed again by anyone, and a forged one are answered privately: the admin's
    // card is never edited by someone else's press.
    for (const [who, id] of [[VIEWER, confirm], [ADMIN, confirm], [STRANGER, 'cf:deadbeefcafe:y']] as const) {
      n = discord.outputs.length;
      discord.press(who, CHANNEL, id);
      const r = await discord.waitFor((o) => o.kind === 'reply' || o.kind === 'update', 10_000, n);
      expect(r.kind, `${who.username} pressing ${id}`).toBe('reply');
      expect(r.flags & EPHEMERAL).toBe(EPHEMERAL);
      expect(r.embeds[0]!.description).toContain('expired or was already used');
    }
    expect(await app.repos.trading.positions()).toHaveLength(1);
  });

  it('suggests held symbols while the user types, only to users whose role may run the command, and audits each', async () => {
    let n = discord.outputs.length;
    discord.autocomplete(ADMIN, CHANNEL, 'close', 'symbol', 'a');
    const r = await discord.waitFor((o) => o.kind === 'autocomplete', 10_000, n);
    expect(r.choices).toEqual([{ name: 'AAPL', value: 'AAPL' }]);
    // A stranger in the guild, and a viewer (/close needs admin), learn nothing about the positions.
    for (const who of [STRANGER, VIEWER]) {
      n = discord.outputs.length;
      discord.autocomplete(who, CHANNEL, 'close', 'symbol', 'a');
      const none = await discord.waitFor((o) => o.kind === 'autocomplete', 10_000, n);
      expect(none.choices, who.username).toEqual([]);
    }
    const audit = (await app.repos.audit.recent(10)).filter((e) => e.command === 'autocomplete:close');
    expect(audit.map((e) => [e.userId, e.outcome, e.args]).slice(0, 3).sort()).toEqual([
      [ADMIN.id, 'ok', 'A'], [VIEWER.id, 'refused', 'A'], [STRANGER.id, 'refused', 'A'],
    ]);
  });

  it('/weekly answers with the report and its chart attached to the embed', async () => {
    for (let i = 0; i < 5; i++) {
      const day = `2026-11-${String(23 + i).padStart(2, '0')}`;
      await app.repos.trading.upsertSnapshot({ day, cash: 100_000, equity: 100_000 + i * 250, exposure: 0, realizedPnl: 0, unrealizedPnl: 0, drawdown: 0 });
    }
    const r = await discord.ask(VIEWER, CHANNEL, 'weekly');
    expect(r.embeds[0]!.description).toContain('**Weekly report**');
    expect(r.embeds[0]!.image?.url).toBe('attachment://report.png');
    expect(r.files.map((f) => f.name)).toEqual(['report.png']);
    expect(r.files[0]!.bytes.subarray(1, 4).toString()).toBe('PNG');
  });

  it('posts alerts to the alert channel, silently where the channel asked, through a 429', async () => {
    await app.repos.subscriptions.set('discord', CHANNEL, ['daily_report'], 'silent', 'test', new Date());
    discord.rateLimitNext = 1;
    const alerts = app.jobDeps.alerts;
    await alerts.raise({ type: 'job_failed', job: 'pipeline', error: 'provider down', at: '2017-03-02T13:00:00Z' }, 'discord:job');
    await alerts.raise({ type: 'daily_report', day: '2017-03-02', equity: 100_100, cash: 98_600, dayPnl: 100, openPositions: 1, tradesClosed: 0, realizedPnl: 0 }, 'discord:report');
    const msgs = await eventually(() => {
      const m = discord.outputs.filter((o) => o.kind === 'channel_message' && o.channelId === CHANNEL && /Job failed|Daily report/.test(o.embeds[0]?.description ?? ''));
      return m.length >= 2 ? m : undefined;
    }, 15_000, 'the two alerts in the channel');
    expect(msgs.map((m) => [/Job failed|Daily report/.exec(m.embeds[0]!.description!)![0], m.flags & SUPPRESS_NOTIFICATIONS])).toEqual([
      ['Job failed', 0], ['Daily report', SUPPRESS_NOTIFICATIONS],
    ]);
    expect(discord.rateLimitNext).toBe(0); // the 429 was served, and discord.js waited and sent again
    // The earlier /pause and /resume reached the channel too, as state_changed alerts.
    expect(discord.outputs.some((o) => o.kind === 'channel_message' && /PAUSED/.test(o.embeds[0]?.description ?? ''))).toBe(true);
  });
});
