/**
 * Reading configuration: config/default.yaml, the market profile named by TILLER_MARKET, `.env` (when present)
 * and the environment it is given (src/config.ts gives it the process environment; nothing else reads that).
 * The result is validated with zod and frozen; a bad value stops start-up with a message naming the key.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../domain/errors.js';
import { envSchema, fileSchema, type AppConfig, type DiscordConfig, type TelegramConfig } from './schema.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type Plain = Record<string, unknown>;

function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlain(b) && isPlain(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function readYaml(file: string): Plain {
  const parsed: unknown = parseYaml(readFileSync(file, 'utf8'));
  if (parsed == null) return {};
  if (!isPlain(parsed)) throw new ConfigError(`${file}: expected a mapping at the top level`);
  return parsed;
}

function formatIssues(prefix: string, error: z.ZodError): string {
  return error.issues.map((i) => `${prefix}${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** Options for {@link loadConfig}; tests pass their own env instead of the process's. */
export interface LoadConfigOptions {
  /** The environment to read instead of the process's (tests). */
  env?: Record<string, string | undefined>;
  configDir?: string;
  /** Read `.env` from this directory when present (default: the current directory). */
  dotenvDir?: string | null;
}

/**
 * Load, merge and validate the configuration over `environment`.
 * @throws ConfigError naming every bad key.
 */
export function readConfig(environment: Record<string, string | undefined>, opts: Omit<LoadConfigOptions, 'env'> = {}): AppConfig {
  const configDir = opts.configDir ?? path.join(projectRoot, 'config');
  const dotenvDir = opts.dotenvDir === undefined ? process.cwd() : opts.dotenvDir;
  const fromDotenv = dotenvDir && existsSync(path.join(dotenvDir, '.env'))
    ? parseDotenv(readFileSync(path.join(dotenvDir, '.env')))
    : {};
  // Real environment wins over .env; empty strings count as unset.
  const rawEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...fromDotenv, ...environment })) {
    if (v !== undefined && v !== '') rawEnv[k] = v;
  }
  const envResult = envSchema.safeParse(rawEnv);
  if (!envResult.success) throw new ConfigError(`invalid environment: ${formatIssues('', envResult.error)}`);
  const env = envResult.data;

  let merged = readYaml(path.join(configDir, 'default.yaml'));
  if (env.TILLER_MARKET) {
    const profileFile = path.join(configDir, `${env.TILLER_MARKET}.yaml`);
    if (!existsSync(profileFile)) throw new ConfigError(`TILLER_MARKET: no market profile ${profileFile}`);
    merged = deepMerge(merged, readYaml(profileFile));
  }
  if (env.TILLER_CONFIG) {
    // The trader's own settings, kept outside the repository, merged last.
    const own = path.resolve(env.TILLER_CONFIG);
    if (!existsSync(own)) throw new ConfigError(`TILLER_CONFIG: no file ${own}`);
    merged = deepMerge(merged, readYaml(own));
  }
  const fileResult = fileSchema.safeParse(merged);
  if (!fileResult.success) throw new ConfigError(`invalid config/*.yaml: ${formatIssues('', fileResult.error)}`);
  const file = fileResult.data;

  const provider = env.MARKET_DATA ?? file.marketData.provider;
  const csvDir = env.MARKET_DATA_DIR ?? file.marketData.csvDir;
  if (provider === 'csv' && !csvDir) throw new ConfigError('MARKET_DATA_DIR: required when MARKET_DATA=csv');
  if (provider === 'csv' && !existsSync(csvDir)) throw new ConfigError(`MARKET_DATA_DIR: ${csvDir} does not exist`);
  for (const [name, p] of Object.entries(file.picks.profiles)) {
    if (p.rsiMin >= p.rsiMax) throw new ConfigError(`picks.profiles.${name}.rsiMin: must be below rsiMax`);
  }

  const telegram: TelegramConfig | undefined = env.TELEGRAM_BOT_TOKEN
    ? {
        token: env.TELEGRAM_BOT_TOKEN,
        apiRoot: env.TELEGRAM_API_ROOT,
        admins: env.TELEGRAM_ADMINS,
        operators: env.TELEGRAM_OPERATORS,
        viewers: env.TELEGRAM_VIEWERS,
        alertChats: env.TELEGRAM_ALERT_CHATS,
        webhook: env.TELEGRAM_WEBHOOK_URL ? { url: env.TELEGRAM_WEBHOOK_URL, secret: env.TELEGRAM_WEBHOOK_SECRET! } : undefined,
      }
    : undefined;
  if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_WEBHOOK_SECRET) {
    throw new ConfigError('TELEGRAM_WEBHOOK_SECRET: webhook mode needs a secret, so that only Telegram can post updates');
  }

  if (env.DISCORD_BOT_TOKEN && !env.DISCORD_APPLICATION_ID) throw new ConfigError('DISCORD_APPLICATION_ID: required with DISCORD_BOT_TOKEN (the application the slash commands belong to)');
  const discord: DiscordConfig | undefined = env.DISCORD_BOT_TOKEN
    ? {
        token: env.DISCORD_BOT_TOKEN, applicationId: env.DISCORD_APPLICATION_ID!, guildId: env.DISCORD_GUILD_ID, apiRoot: env.DISCORD_API_ROOT,
        admins: env.DISCORD_ADMINS, operators: env.DISCORD_OPERATORS, viewers: env.DISCORD_VIEWERS,
        roleIds: { admins: env.DISCORD_ADMIN_ROLES, operators: env.DISCORD_OPERATOR_ROLES, viewers: env.DISCORD_VIEWER_ROLES },
        alertChannels: env.DISCORD_ALERT_CHANNELS,
      }
    : undefined;

  const config: AppConfig = {
    ...file,
    http: { port: env.PORT, host: env.HOST, metricsToken: env.METRICS_TOKEN, workerPort: env.WORKER_PORT },
    api: { ...file.api, tokens: env.API_TOKENS },
    ollamaHost: env.OLLAMA_HOST,
    varDir: path.resolve(env.TILLER_VAR_DIR),
    databaseUrl: env.DATABASE_URL,
    embeddedPgPort: env.EMBEDDED_PG_PORT,
    redisUrl: env.REDIS_URL,
    logLevel: env.LOG_LEVEL,
    marketData: {
      ...file.marketData, provider, csvDir: csvDir ? path.resolve(csvDir) : '', yahooApiRoot: env.YAHOO_API_ROOT,
      ccxt: { ...file.marketData.ccxt, exchange: env.CCXT_EXCHANGE ?? file.marketData.ccxt.exchange }, ccxtApiRoot: env.CCXT_API_ROOT,
      alpacaKeyId: env.ALPACA_KEY_ID, alpacaSecretKey: env.ALPACA_SECRET_KEY, alpacaDataUrl: env.ALPACA_DATA_URL,
    },
    trading: {
      ...file.trading, broker: env.BROKER ?? file.trading.broker, liveSwitch: env.LIVE_TRADING,
      alpaca: { keyId: env.ALPACA_KEY_ID, secretKey: env.ALPACA_SECRET_KEY, apiRoot: env.ALPACA_TRADING_URL },
      ccxt: {
        exchange: file.trading.ccxt.exchange || (env.CCXT_EXCHANGE ?? file.marketData.ccxt.exchange), quote: file.marketData.ccxt.quote,
        apiKey: env.CCXT_API_KEY, secret: env.CCXT_SECRET, password: env.CCXT_PASSWORD, apiRoot: env.CCXT_TRADING_API_ROOT,
      },
      kite: { apiKey: env.KITE_API_KEY, accessToken: env.KITE_ACCESS_TOKEN, apiRoot: env.KITE_API_ROOT },
      crashAt: env.TILLER_CRASH_AT,
    },
    telegram,
    discord,
    consoleChat: env.CONSOLE_CHAT === 'on' || (env.CONSOLE_CHAT === 'auto' && !telegram && !discord),
  };
  return deepFreeze(config);
}
