import { mkdtempSync, writeFileSync } from 'node:fs';
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

  it('redacts secrets', () => {
    const c = load({ TELEGRAM_BOT_TOKEN: '1:supersecret', DATABASE_URL: 'postgres://u:pw@db:5432/x' });
    const text = JSON.stringify(redactConfig(c));
    expect(text).not.toContain('supersecret');
    expect(text).not.toContain(':pw@');
  });
});
