/** Discord unreachable when Tiller starts: the process starts anyway (the rest must not depend on Discord),
 * /health names discord as down, and the bot connects by itself once Discord answers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createApp, startProcess, type App, type RunningProcess } from '../../src/main.js';
import { FakeDiscord } from '../fakes/discord-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { eventually, freePort, SP500_DIR } from '../helpers/tiller-process.js';

describe('Discord down at start', () => {
  const discord = new FakeDiscord('late-token');
  let db: TestDatabase;
  let app: App;
  let proc: RunningProcess;
  let discordPort = 0;
  let httpPort = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    discordPort = await freePort();
    httpPort = await freePort();
    const base = loadConfig({
      env: {
        DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, PORT: String(httpPort), HOST: '127.0.0.1', CONSOLE_CHAT: 'off',
        DISCORD_BOT_TOKEN: 'late-token', DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_GUILD_ID: discord.guildId,
        DISCORD_API_ROOT: `http://127.0.0.1:${discordPort}/api`, DISCORD_VIEWERS: '1',
      },
      dotenvDir: null,
    });
    app = await createApp({ ...base, chat: { ...base.chat, reconnectMs: 200 } }, { log: createLogger('silent') });
  });
  afterAll(async () => {
    await proc?.stop();
    await app?.close();
    await discord.stop();
    await db?.drop();
  });

  it('starts without Discord, reports it down, and connects once Discord is back', async () => {
    proc = await startProcess(app, 'bot'); // resolves although nothing answers on the Discord port
    const health = async () => (await fetch(`http://127.0.0.1:${httpPort}/health`)).json() as Promise<{ down: string[] }>;
    expect((await health()).down).toEqual(['discord']);
    await discord.start(discordPort);
    await eventually(() => (discord.connected ? true : undefined), 15_000, 'the bot to connect to the gateway');
    expect(discord.commands.get(discord.guildId)?.length).toBe(app.core.list().length);
    await eventually(async () => ((await health()).down.length === 0 ? true : undefined), 5_000, '/health ok');
    const r = await discord.ask({ id: '1', username: 'v' }, '600', 'status');
    expect(r.embeds[0]!.description).toContain('RUNNING');
  });
});
