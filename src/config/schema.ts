/** What configuration may hold: the zod schemas of the YAML files and of the environment, and the validated
 * `AppConfig` they become (src/config/load.ts builds it). */
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

const time = z.string().regex(/^\d{2}:\d{2}$/, 'expected HH:MM');
const idList = z
  .string()
  .default('')
  .transform((s, ctx) => {
    const ids = s.split(',').map((x) => x.trim()).filter(Boolean);
    for (const id of ids) {
      if (!/^-?\d+$/.test(id)) ctx.addIssue({ code: 'custom', message: `"${id}" is not a numeric id` });
    }
    return ids;
  });
const boolEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .default('')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const profileSchema = z.object({
  topN: z.number().int().positive(),
  minMarketCap: z.number().nonnegative(),
  maxAtrPct: z.number().positive(),
  rsiMin: z.number().min(0).max(100),
  rsiMax: z.number().min(0).max(100),
  requireLongTrend: z.boolean(),
  stopAtr: z.number().positive(),
  targetAtr: z.number().positive(),
  /** Stop and target as fractions of the entry instead of ATR multiples (null: the ATR multiples). */
  stopPct: z.number().positive().lt(1).nullable(),
  targetPct: z.number().positive().nullable(),
});

/** Test hook for fault injection: the process kills itself (SIGKILL) the first time the trade cycle reaches
 * this point. Never set it outside tests. */
export const CRASH_POINTS = ['after_sizing', 'after_order_insert', 'after_broker_submit', 'after_fill', 'after_position_update'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

/** What `trading.strategy` may name: `gated` (what passed the promotion gate, else the baseline), the
 * baseline, a rule (momentum-trend, or one of models/signal-rules.ts), or a model kind (src/picks/strategy.ts). */
export const STRATEGY_NAMES = ['gated', 'baseline', 'momentum-trend', 'ma-crossover', 'mean-reversion', 'breakout', 'trees-gbt', 'trees-forest', 'lstm', 'kline', 'ensemble'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** A breaker's two thresholds: soft (PAUSED) at or before hard (HALTED). */
function stagesSchema(n: z.ZodNumber) {
  return z.object({ soft: n, hard: n }).refine((v) => v.soft <= v.hard, { message: 'soft must not be above hard' });
}

/** A cron entry (minute hour day-of-month month day-of-week), checked as the scheduler will read it: a
 * wrong one stops start-up naming its key instead of never running. */
const cronSchema = z.string().min(1).superRefine((v, ctx) => {
  try {
    CronExpressionParser.parse(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `not a cron entry ("${v}"): ${e instanceof Error ? e.message : String(e)}; e.g. "30 17 * * 1-5"` });
  }
});

export const fileSchema = z.object({
  market: z.object({
    name: z.string().min(1),
    timezone: z.string().min(1),
    currency: z.string().length(3),
    sessionOpen: time,
    sessionClose: time,
    kind: z.enum(['equities', 'crypto']),
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')),
  }),
  marketData: z.object({
    provider: z.enum(['yahoo', 'csv', 'ccxt', 'alpaca']),
    csvDir: z.string(),
    csvCacheSymbols: z.number().int().min(1),
    timeoutMs: z.number().int().positive(),
    universe: z.array(z.string().min(1)),
    providerSymbols: z.array(z.string().min(1)),
    historyDays: z.number().int().positive(),
    symbolsMaxAgeDays: z.number().int().min(1),
    featureHistoryDays: z.number().int().nonnegative(),
    calendarSymbol: z.string().min(1),
    // The adapter can fetch intraday timeframes, but the pipeline stores one bar per day so far.
    ccxt: z.object({ exchange: z.string().min(1), quote: z.string().min(1), timeframe: z.literal('1d', { error: 'only 1d is stored so far (intraday storage is not built yet)' }) }),
    alpaca: z.object({ feed: z.enum(['iex', 'sip']) }),
  }),
  pipeline: z.object({
    maxAttempts: z.number().int().min(1).max(10),
    retryDelayMs: z.number().int().nonnegative(),
    spikeMove: z.number().positive(),
    maxDailyMove: z.number().positive(),
    minPrice: z.number().nonnegative(),
    maxPrice: z.number().positive(),
    maxVolume: z.number().positive(),
    exportDir: z.string(),
    requestsPerSecond: z.number().positive(),
  }),
  picks: z.object({
    profiles: z.object({ conservative: profileSchema, aggressive: profileSchema }),
    /** Two stages before any strategy ranks (src/picks/screening.ts); amounts in the market's currency; null = off. */
    screening: z.object({
      minPrice: z.number().nonnegative(),
      minAvgVolume: z.number().nonnegative(),
      minAvgTurnover: z.number().nonnegative(),
      peMin: z.number().nullable(),
      peMax: z.number().nullable(),
      minRoe: z.number().nullable(),
      maxDebtToEquity: z.number().nonnegative().nullable(),
    }).refine((s) => s.peMin === null || s.peMax === null || s.peMin < s.peMax, { message: 'peMin must be below peMax' }),
    /** A pick's recommendation from its score (0–1): the first threshold it reaches, else strong sell. */
    recommendation: z.object({
      strongBuy: z.number().min(0).max(1), buy: z.number().min(0).max(1), hold: z.number().min(0).max(1), sell: z.number().min(0).max(1),
    }).refine((r) => r.strongBuy > r.buy && r.buy > r.hold && r.hold > r.sell, { message: 'thresholds must fall: strongBuy > buy > hold > sell' }),
  }),
  trading: z.object({
    mode: z.enum(['paper', 'live']),
    broker: z.enum(['paper', 'alpaca', 'ccxt', 'kite']),
    profile: z.enum(['conservative', 'aggressive']),
    strategy: z.enum(STRATEGY_NAMES),
    startingCash: z.number().positive(),
    maxOpenPositions: z.number().int().positive(),
    /** Smallest order quantity increment: 1 (whole shares) or a fraction for crypto. */
    quantityStep: z.number().positive().max(1),
    closePositionsOnHalt: z.boolean(),
    /** ccxt broker: the exchange to trade on; "" = the market-data exchange (CCXT_EXCHANGE). */
    ccxt: z.object({ exchange: z.string().regex(/^[a-z0-9]*$/, 'a ccxt exchange id, e.g. binance') }),
    /** Milliseconds each broker call may take before it counts as failed (and is retried). */
    brokerTimeoutMs: z.number().int().positive(),
    paper: z.object({
      slippageBps: z.number().nonnegative(),
      feePerOrder: z.number().nonnegative(),
      feeBps: z.number().nonnegative(),
      maxVolumeFraction: z.number().gt(0).max(1),
      buyingPowerMultiplier: z.number().min(1).max(4),
    }),
    sizing: z.object({
      method: z.enum(['fixed_fraction', 'half_kelly', 'atr']),
      positionFraction: z.number().gt(0).max(1),
      riskPerTradePct: z.number().gt(0).max(0.2),
      kellyMinTrades: z.number().int().min(1),
      kellyMaxFraction: z.number().gt(0).max(1),
    }),
    caps: z.object({
      maxPositionPct: z.number().gt(0).max(1),
      maxSectorPct: z.number().gt(0).max(1),
      maxGrossExposurePct: z.number().gt(0).max(4),
      maxEntriesPerWeek: z.number().int().min(0),
    }),
    exits: z.object({
      stops: z.enum(['atr', 'fixed']),
      fixedStopPct: z.number().gt(0).lt(1),
      fixedTargetPct: z.number().gt(0),
      trailingActivationPct: z.number().min(0),
      trailingPct: z.number().min(0).lt(1),
      maxHoldingDays: z.number().int().min(0),
      sellSignal: z.boolean(),
    }),
    breakers: z.object({
      dailyLoss: stagesSchema(z.number().gt(0).max(1)),
      maxDrawdown: stagesSchema(z.number().gt(0).max(1)),
      consecutiveLosses: stagesSchema(z.number().int().positive()),
      cooldownMinutes: z.number().min(0),
      volatility: z.object({
        source: z.enum(['atr', 'index']),
        indexCsv: z.string(),
        soft: z.number().positive(),
        hard: z.number().positive(),
      }).refine((v) => v.soft <= v.hard, { message: 'soft must not be above hard' })
        .refine((v) => v.source !== 'index' || v.indexCsv !== '', { message: 'indexCsv is required when source is index' }),
    }),
  }),
  models: z.object({
    horizon: z.number().int().min(1).max(60),
    trainDays: z.number().int().min(20),
    testDays: z.number().int().min(5),
    embargo: z.number().int().min(0),
    topN: z.number().int().min(1),
    keep: z.number().int().min(1),
    families: z.array(z.enum(['trees-gbt', 'trees-forest', 'lstm', 'kline'])).min(1),
    backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']),
    samples: z.number().int().min(256),
    epochs: z.number().int().min(1).max(50),
    distribute: z.boolean(),
    promotion: z.object({ minIcGain: z.number(), minTopNGain: z.number() }),
  }),
  /** One cron entry per job (jobs/daily-jobs.ts), in the market's time zone. */
  schedule: z.object({
    symbols: cronSchema,
    pipeline: cronSchema,
    picks: cronSchema,
    trade: cronSchema,
    monitor: cronSchema,
    snapshot: cronSchema,
    report: cronSchema,
    weekly: cronSchema,
    train: cronSchema,
    cleanup: cronSchema,
  }),
  /** Days the cleanup job keeps each kind of operational record (trading records, picks and the audit log are
   * never removed). */
  retention: z.object({
    jobRunsDays: z.number().int().min(1),
    alertsDays: z.number().int().min(1),
    queuedJobsDays: z.number().int().min(1),
    backtestsDays: z.number().int().min(1),
    chartsDays: z.number().int().min(1),
    picksExportsDays: z.number().int().min(1),
  }),
  jobs: z.object({
    /** A job failing with a temporary error is tried this many times in all, the delay doubling. */
    retry: z.object({ attempts: z.number().int().min(1).max(10), delayMs: z.number().int().nonnegative() }),
    /** How long a job's lock lasts without renewal: the worker running it renews it every third of this, and
     * a worker killed mid-job has its job taken over by another this long after its last renewal. */
    lockLifetimeMs: z.number().int().min(1000),
    /** How often each worker looks for due jobs. */
    pollMs: z.number().int().min(50),
  }),
  chat: z.object({
    confirmTtlSeconds: z.number().int().positive(),
    alertPollMs: z.number().int().positive(),
    alertMaxAttempts: z.number().int().positive(),
    /** How often a chat transport that could not connect at start tries again. */
    reconnectMs: z.number().int().positive(),
  }),
  rationale: z.object({
    /** The Ollama model (`OLLAMA_HOST` turns the LLM on). */
    model: z.string().min(1),
    language: z.string().min(1),
    maxWords: z.number().int().positive(),
    timeoutMs: z.number().int().positive(),
    budgetMs: z.number().int().positive(),
    stream: z.boolean(),
  }),
  api: z.object({
    /** Requests per window per client (a token, or the address of a request without a valid one). */
    rateLimit: z.object({ max: z.number().int().positive(), windowSeconds: z.number().int().positive() }),
    /** The largest page of a list route. */
    maxPageSize: z.number().int().positive(),
  }),
});

/** One REST API client: a name for the audit log, its role, and its bearer token (never logged). */
export interface ApiToken {
  readonly name: string;
  readonly role: 'viewer' | 'operator' | 'admin';
  readonly token: string;
}

/** `API_TOKENS`: comma-separated `name:role:token` entries; a token is 24 or more URL-safe characters. */
const apiTokens = z
  .string()
  .default('')
  .transform((s, ctx): ApiToken[] => {
    const out: ApiToken[] = [];
    for (const entry of s.split(',').map((x) => x.trim()).filter(Boolean)) {
      const m = /^([A-Za-z0-9_.-]{1,40}):(viewer|operator|admin):([A-Za-z0-9_~.-]{24,256})$/.exec(entry);
      // The entry itself is never echoed: it holds a secret.
      if (!m) ctx.addIssue({ code: 'custom', message: `entry ${out.length + 1} is not name:role:token (role viewer, operator or admin; token 24 to 256 URL-safe characters)` });
      else if (out.some((t) => t.name === m[1])) ctx.addIssue({ code: 'custom', message: `the name ${m[1]} is used twice` });
      else if (out.some((t) => t.token === m[3])) ctx.addIssue({ code: 'custom', message: `${m[1]} reuses another client's token` });
      else out.push({ name: m[1]!, role: m[2] as ApiToken['role'], token: m[3]! });
    }
    return out;
  });

export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  WORKER_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_TOKEN: z.string().regex(/^[A-Za-z0-9_~.-]{24,256}$/, '24 to 256 URL-safe characters').optional(),
  TILLER_VAR_DIR: z.string().default('./var'),
  TILLER_MARKET: z.string().regex(/^[a-z0-9-]+$/).optional(),
  TILLER_CONFIG: z.string().optional(),
  DATABASE_URL: z.string().url().optional(),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  REDIS_URL: z.string().url().optional(),
  MARKET_DATA: z.enum(['yahoo', 'csv', 'ccxt', 'alpaca']).optional(),
  CCXT_EXCHANGE: z.string().regex(/^[a-z0-9]+$/).optional(),
  CCXT_API_ROOT: z.string().url().optional(),
  ALPACA_KEY_ID: z.string().optional(),
  ALPACA_SECRET_KEY: z.string().optional(),
  ALPACA_DATA_URL: z.string().url().optional(),
  MARKET_DATA_DIR: z.string().optional(),
  YAHOO_API_ROOT: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TELEGRAM_BOT_TOKEN: z.string().optional(),
  TELEGRAM_API_ROOT: z.string().url().optional(),
  TELEGRAM_ADMINS: idList,
  TELEGRAM_OPERATORS: idList,
  TELEGRAM_VIEWERS: idList,
  TELEGRAM_ALERT_CHATS: idList,
  TELEGRAM_WEBHOOK_URL: z.string().url().refine((u) => /^https?:/.test(u), 'an http(s) URL').optional(),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, '16 to 256 characters of A-Z, a-z, 0-9, _ and -').optional(),
  DISCORD_BOT_TOKEN: z.string().optional(),
  DISCORD_APPLICATION_ID: z.string().regex(/^\d+$/, 'a numeric application id').optional(),
  DISCORD_GUILD_ID: z.string().regex(/^\d+$/, 'a numeric guild (server) id').optional(),
  DISCORD_API_ROOT: z.string().url().optional(),
  DISCORD_ADMINS: idList,
  DISCORD_OPERATORS: idList,
  DISCORD_VIEWERS: idList,
  DISCORD_ADMIN_ROLES: idList,
  DISCORD_OPERATOR_ROLES: idList,
  DISCORD_VIEWER_ROLES: idList,
  DISCORD_ALERT_CHANNELS: idList,
  CONSOLE_CHAT: z.enum(['auto', 'on', 'off']).default('auto'),
  LIVE_TRADING: boolEnv,
  BROKER: z.enum(['paper', 'alpaca', 'ccxt', 'kite']).optional(),
  ALPACA_TRADING_URL: z.string().url().optional(),
  CCXT_API_KEY: z.string().optional(),
  CCXT_SECRET: z.string().optional(),
  CCXT_PASSWORD: z.string().optional(),
  CCXT_TRADING_API_ROOT: z.string().url().optional(),
  KITE_API_KEY: z.string().optional(),
  KITE_ACCESS_TOKEN: z.string().optional(),
  KITE_API_ROOT: z.string().url().optional(),
  TILLER_CRASH_AT: z.enum(CRASH_POINTS).optional(),
  API_TOKENS: apiTokens,
  OLLAMA_HOST: z.string().url().optional(),
});

type FileConfig = z.infer<typeof fileSchema>;
/** Risk profile thresholds for picks, in the market's currency. */
export type ProfileConfig = z.infer<typeof profileSchema>;

/** Telegram transport settings; absent when no bot token is set. */
export interface TelegramConfig {
  readonly token: string;
  readonly apiRoot: string | undefined;
  readonly admins: readonly string[];
  readonly operators: readonly string[];
  readonly viewers: readonly string[];
  readonly alertChats: readonly string[];
  /** Webhook mode: the public URL Telegram posts updates to, and the secret it must send; absent = long polling. */
  readonly webhook?: { readonly url: string; readonly secret: string } | undefined;
}

/** Discord transport settings; absent when no bot token is set. Roles go by user id or by Discord role id. */
export interface DiscordConfig {
  readonly token: string;
  readonly applicationId: string;
  /** Slash commands are registered in this guild (at once); without it, globally (Discord may take up to an hour). */
  readonly guildId: string | undefined;
  readonly apiRoot: string | undefined;
  readonly admins: readonly string[];
  readonly operators: readonly string[];
  readonly viewers: readonly string[];
  readonly roleIds: { readonly admins: readonly string[]; readonly operators: readonly string[]; readonly viewers: readonly string[] };
  readonly alertChannels: readonly string[];
}

/** The whole, validated, frozen configuration of one Tiller process. */
export interface AppConfig extends Omit<FileConfig, 'marketData' | 'trading' | 'api'> {
  /** The HTTP server: its port and bind address (loopback unless HOST opens it), and the bearer token /metrics
   * asks for when set. */
  readonly http: { readonly port: number; readonly host: string; readonly metricsToken: string | undefined; readonly workerPort: number | undefined };
  /** The REST API under /api: on only when `API_TOKENS` names at least one client. */
  readonly api: FileConfig['api'] & { readonly tokens: readonly ApiToken[] };
  /** The local LLM server for pick rationales (`OLLAMA_HOST`); undefined: the template rationales only. */
  readonly ollamaHost: string | undefined;
  readonly varDir: string;
  /** PostgreSQL URL; undefined means the embedded PostgreSQL under varDir. */
  readonly databaseUrl: string | undefined;
  readonly embeddedPgPort: number;
  /** Redis URL; undefined means in-process cache and event bus. */
  readonly redisUrl: string | undefined;
  readonly logLevel: string;
  readonly marketData: FileConfig['marketData'] & {
    readonly yahooApiRoot: string | undefined;
    readonly ccxtApiRoot: string | undefined;
    readonly alpacaKeyId: string | undefined;
    readonly alpacaSecretKey: string | undefined;
    readonly alpacaDataUrl: string | undefined;
  };
  readonly trading: Omit<FileConfig['trading'], 'ccxt'> & {
    readonly liveSwitch: boolean;
    /** Alpaca trading API credentials (the same key pair as market data) and an optional API root. */
    readonly alpaca: { readonly keyId: string | undefined; readonly secretKey: string | undefined; readonly apiRoot: string | undefined };
    /** ccxt exchange trading: the exchange (`marketData.ccxt.exchange` unless `trading.ccxt.exchange` is set), its
     * quote currency, API credentials and an optional API root. */
    readonly ccxt: {
      readonly exchange: string; readonly quote: string; readonly apiKey: string | undefined; readonly secret: string | undefined;
      readonly password: string | undefined; readonly apiRoot: string | undefined;
    };
    /** Zerodha Kite Connect credentials (the access token is issued daily by Kite's login flow). */
    readonly kite: { readonly apiKey: string | undefined; readonly accessToken: string | undefined; readonly apiRoot: string | undefined };
    readonly crashAt: CrashPoint | undefined;
  };
  readonly telegram: TelegramConfig | undefined;
  readonly discord: DiscordConfig | undefined;
  readonly consoleChat: boolean;
}
