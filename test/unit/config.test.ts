import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, redactConfig } from '../../src/config.js';
import { ConfigError } from '../../src/domain/errors.js';
import { SP500_DIR } from '../helpers/tiller-process.js';

const load = (env: Record<string, string>) => loadConfig({ env, dotenvDir: null });

describe('config', () => {
  it('has sensible defaults: paper trading, port 8080, yahoo, console chat without a bot token', () => {
    const c = load({});
    expect(c.trading.mode).toBe('paper');
    expect(c.http.port).toBe(8080);
    expect(c.marketData.provider).toBe('yahoo');
    expect(c.consoleChat).toBe(true);
    expect(c.telegram).toBeUndefined();
    expect(c.databaseUrl).toBeUndefined();
    expect(Object.isFrozen(c.trading.breakers)).toBe(true);
  });

  it('names the bad key', () => {
    expect(() => load({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => load({ TELEGRAM_BOT_TOKEN: 'x', TELEGRAM_ADMINS: '12,abc' })).toThrow(/TELEGRAM_ADMINS.*"abc" is not a numeric id/);
    expect(() => load({ MARKET_DATA: 'csv' })).toThrow(/MARKET_DATA_DIR: required/);
    expect(() => load({ MARKET_DATA: 'csv', MARKET_DATA_DIR: '/nope/nothing' })).toThrow(ConfigError);
    expect(() => load({ TILLER_MARKET: 'mars' })).toThrow(/TILLER_MARKET: no market profile/);
  });

  it('refuses a schedule entry that is not a cron entry, naming its key', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tiller-cfg-'));
    const own = (yaml: string) => {
      writeFileSync(path.join(dir, 'own.yaml'), yaml);
      return () => load({ TILLER_CONFIG: path.join(dir, 'own.yaml') });
    };
    expect(own('schedule:\n  pipeline: "every morning"\n')).toThrow(/schedule\.pipeline: not a cron entry \("every morning"\)/);
    expect(own('schedule:\n  train: "99 6 * * 6"\n')).toThrow(/schedule\.train: not a cron entry/);
    expect(own('schedule:\n  train: "0 7 * * 0"\n')().schedule.train).toBe('0 7 * * 0');
  });

  it('reads Telegram settings and merges a market profile', () => {
    const c = load({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_ADMINS: '1, 2', TELEGRAM_ALERT_CHATS: '-100', TILLER_MARKET: 'nse', MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR });
    expect(c.telegram?.admins).toEqual(['1', '2']);
    expect(c.telegram?.alertChats).toEqual(['-100']);
    expect(c.consoleChat).toBe(false);
    expect(c.market.timezone).toBe('Asia/Kolkata');
    expect(c.picks.profiles.conservative.minMarketCap).toBe(500_000_000_000);
    expect(c.picks.profiles.conservative.topN).toBe(5); // untouched keys keep their defaults
  });

  it('redacts every secret, key and id, wherever it sits', () => {
    const secrets = {
      TELEGRAM_BOT_TOKEN: '1:supersecret', DATABASE_URL: 'postgres://u:pw@db:5432/x', REDIS_URL: 'redis://:redispw@r:6379',
      TELEGRAM_ADMINS: '111111', TELEGRAM_OPERATORS: '222222', TELEGRAM_VIEWERS: '333333', TELEGRAM_ALERT_CHATS: '-444444',
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/hook', TELEGRAM_WEBHOOK_SECRET: 'hooksecret-hooksecret',
      DISCORD_BOT_TOKEN: 'discordsecret', DISCORD_APPLICATION_ID: '555555', DISCORD_GUILD_ID: '666666', DISCORD_ADMINS: '777777',
      DISCORD_ADMIN_ROLES: '888888', DISCORD_ALERT_CHANNELS: '999999',
      ALPACA_KEY_ID: 'alpacakeyid', ALPACA_SECRET_KEY: 'alpacasecret', CCXT_API_KEY: 'ccxtkey', CCXT_SECRET: 'ccxtsecret', CCXT_PASSWORD: 'ccxtpass',
      KITE_API_KEY: 'kitekey', KITE_ACCESS_TOKEN: 'kitetoken', METRICS_TOKEN: 'm'.repeat(30), API_TOKENS: `grafana:viewer:${'t'.repeat(30)}`,
      OLLAMA_HOST: 'http://llm:llmpw@ollama:11434',
    };
    const text = JSON.stringify(redactConfig(load(secrets)));
    for (const v of ['supersecret', ':pw@', 'redispw', '111111', '222222', '333333', '444444', 'hooksecret', 'discordsecret', '555555', '666666', '777777', '888888', '999999',
      'alpacakeyid', 'alpacasecret', 'ccxtkey', 'ccxtsecret', 'ccxtpass', 'kitekey', 'kitetoken', 'mmmmmmmmmm', 'tttttttttt', 'llmpw']) {
      expect(text, v).not.toContain(v);
    }
    // What is not secret stays readable: the shape, the client's name, the hosts.
    expect(text).toContain('"admins":["***"]');
    expect(text).toContain('"name":"grafana"');
    expect(text).toContain('postgres://***@db:5432/x');
    expect(text).toContain('"timezone":"America/New_York"');
  });

  it('reads .env from the working directory, the real environment winning', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tiller-env-'));
    writeFileSync(path.join(dir, '.env'), 'PORT=9123\nLOG_LEVEL=debug\n');
    const c = loadConfig({ env: { LOG_LEVEL: 'warn' }, dotenvDir: dir });
    expect(c.http.port).toBe(9123);
    expect(c.logLevel).toBe('warn');
    rmSync(dir, { recursive: true, force: true });
  });
});
