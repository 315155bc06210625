/** Composition root: the ONLY place that wires implementations together (database, cache, market data,
 * broker, services, command core, transports, scheduler). */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ConsoleBot, CONSOLE } from '../bots/console/console.bot.js';
import { buildHttpServer, type HealthCheck } from '../bots/http/http.server.js';
import { API_TRANSPORT } from '../bots/http/api/api.routes.js';
import { ApiTokens } from '../bots/http/api/api-tokens.js';
import { TelegramBot, TELEGRAM, TELEGRAM_RATE_LIMITS } from '../bots/telegram/telegram.bot.js';
import { DiscordBot, DISCORD, DISCORD_RATE_LIMITS, type SymbolSuggester } from '../bots/discord/discord.bot.js';
import { openDatabase, type DbHandle } from '../db/database.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded-postgres.js';
import { migrateToLatest } from '../db/migrate.js';
import { RedisCache, RedisEventBus } from '../db/redis.js';
import { createRepositories } from '../db/repositories/index.js';
import { JOB_NAMES, jobHandlers, type JobHandler, type JobName } from '../jobs/daily-jobs.js';
import { buildInfo, initMetricLabels, setScrapeProbes, setShadowSource } from '../monitoring/metrics.js';
import type { JobRunnerDeps } from '../jobs/job-runner.js';
import { replay, type ReplaySummary } from '../jobs/replay.js';
import { firstRunOnRecordedData, JobQueue, workerName } from '../jobs/job-control.js';
import { Scheduler, type QueuedRun, type SchedulerOptions } from '../jobs/scheduler.js';
import { SweepQueue, SweepWorker } from '../jobs/backtest-sweep.js';
import { TrainFoldWorker } from '../jobs/train-folds.js';
import type { TrainFoldSpec } from './training/fold-tasks.js';
import type { MarketMatrix } from './backtest/market-matrix.js';
import type { FoldRunner } from '../models/walk-forward-eval.js';
import type { SweepRunnerFactory } from './backtest/backtest-job.js';
import { PaperBroker } from './adapters/brokers/paper.broker.js';
import type { BarLimits } from './market/validation.js';
import { ServiceLink, type LinkChange } from './adapters/fallback/service-link.js';
import { FallbackCache } from './adapters/fallback/fallback-cache.js';
import { FallbackEventBus } from './adapters/fallback/fallback-event-bus.js';
import { FileSentJournal } from './alerts/sent-journal.js';
import { CsvMarketData } from './adapters/market-data/csv.market-data.js';
import { YahooMarketData } from './adapters/market-data/yahoo.market-data.js';
import { AlpacaMarketData } from './adapters/market-data/alpaca.market-data.js';
import { CcxtMarketData } from './adapters/market-data/ccxt.market-data.js';
import { requestPolicy } from './adapters/market-data/request-policy.js';
import { MemoryCache } from './adapters/memory/memory-cache.js';
import { MemoryEventBus } from './adapters/memory/memory-event-bus.js';
import { AlertDispatcher } from './alerts/alert-dispatcher.js';
import { AlertService, type AlertTarget } from './alerts/alert.service.js';
import { Authorizer, type RoleLists } from './commands/auth.js';
import { CommandCore } from './commands/command-core.js';
import { buildCommands } from './commands/registry.js';
import type { BacktestControl, JobControl } from './commands/command-services.js';
import { assertTradingMode, type AppConfig } from './config.js';
import { BREAKER_NAMES, type TradingDay } from './domain/types.js';
import { createLogger, type Logger } from './logger.js';
import { tradingDayOf } from './market/market-time.js';
import { holidayListGap, MarketCalendar, tradingDaysPerYear } from './market/calendar.js';
import { PriceSource } from './market/price-source.js';
import { CleanupService } from './ops/cleanup.service.js';
import { withTimeout } from './adapters/with-timeout.js';
import { OllamaRationaleWriter } from './adapters/llm/ollama.rationale.js';
import { PickRationales } from './picks/pick-rationales.js';
import { PicksService } from './picks/picks.service.js';
import { ShadowPortfolios } from './picks/shadow-portfolios.js';
import { CsvPicksExport } from './adapters/export/csv-picks-export.js';
import { PipelineService, type ProgressFn } from './pipeline/pipeline.service.js';
import { CsvCandleExport } from './adapters/export/csv-candle-export.js';
import type { Broker } from './ports/broker.port.js';
import type { Cache } from './ports/cache.port.js';
import { ManualClock, type Clock } from './ports/clock.port.js';
import { RunClock } from './adapters/clock/run-clock.js';
import type { EventBus } from './ports/event-bus.port.js';
import type { MarketData } from './ports/market-data.port.js';
import type { Repositories } from './ports/repositories.port.js';
import { DailyReport } from './trading/daily-report.js';
import { HaltService } from './trading/halt.service.js';
import { OrderExecutor, type CrashHook } from './trading/order-executor.js';
import { AlpacaBroker } from './adapters/brokers/alpaca.broker.js';
import { CcxtBroker } from './adapters/brokers/ccxt.broker.js';
import { KiteBroker } from './adapters/brokers/kite.broker.js';
import { CsvIndexGauge } from './adapters/volatility/csv-index.gauge.js';
import { MedianAtrGauge } from './trading/breakers/atr.gauge.js';
import { CircuitBreakers } from './trading/breakers/circuit-breakers.js';
import { FillAnnouncer } from './trading/fill-announcer.js';
import { FillBooking } from './trading/fill-booking.js';
import { Reconciler } from './trading/reconciler.js';
import { RiskLimitsService } from './trading/risk-limits.js';
import { BacktestService, STRATEGIES } from './backtest/backtest.service.js';
import { runBacktestToFiles, type StrategyScoresFn } from './backtest/backtest-job.js';
import { backtestStrategyScores } from './picks/strategy-scores.js';
import type { VolatilityGauge } from './ports/volatility.port.js';
import { Portfolio } from './trading/portfolio.js';
import { PositionMonitor } from './trading/position-monitor.js';
import { TradeCycle } from './trading/trade-cycle.js';
import { PositionCloser } from './trading/position-closer.js';
import { ModelTrainingService } from './training/model-training.service.js';
import { logTraining, trackTraining } from './training/training-progress.js';
import { topNPortfolio } from './training/top-n-portfolio.js';
import { tradedRule } from './training/traded-rule.js';
import { TradingStateService } from './trading/trading-state.service.js';

/** This build's version (package.json), as the API's OpenAPI document states it. */
const TILLER_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Everything one Tiller process has, wired. */
export interface App {
  config: AppConfig;
  log: Logger;
  clock: Clock;
  db: DbHandle;
  repos: Repositories;
  cache: Cache;
  bus: EventBus;
  market: MarketData;
  broker: Broker;
  reconciler: Reconciler;
  core: CommandCore;
  dispatcher: AlertDispatcher;
  handlers: Record<JobName, JobHandler>;
  /** Queue a job through Agenda for whichever started scheduler (`start`, a `worker`) takes it first. */
  queueJob(name: JobName, run: QueuedRun): Promise<void>;
  /** Every (strategy, profile)'s shadow paper portfolio (the snapshot job brings them up to date). */
  shadows: ShadowPortfolios;
  jobDeps: JobRunnerDeps;
  state: TradingStateService;
  /** The risk limits in force (config plus /set_risk). */
  limits: RiskLimitsService;
  volatility: VolatilityGauge;
  backtest: BacktestService;
  /** A backtest service for another config (walk-forward sweep points). */
  backtestFor: (c: AppConfig) => BacktestService;
  /** Model training, evaluation, registry and promotion with a given config (`tiller train`). */
  trainingFor: (c: AppConfig) => ModelTrainingService;
  /** A backtest strategy's scores from the model registry, resolved as the live picks resolve it. */
  strategyScores: StrategyScoresFn;
  /** Walk-forward tasks queued as Agenda jobs that every worker on this database shares (this process too). */
  distributedSweeps: SweepRunnerFactory;
  /** A training run's (family, fold) tasks queued as Agenda jobs that every worker shares (this process too). */
  distributedTraining(spec: TrainFoldSpec, matrix: MarketMatrix, onDone?: (done: number, total: number) => void): Promise<{ runner: FoldRunner & { readonly where: string }; close(): Promise<void> }>;
  close(): Promise<void>;
}

/** The cache and event bus: in-process without Redis; with it, Redis with an in-process fallback that takes
 * over while Redis is down (`onChange` hears when it goes and comes back). */
function sharedCacheAndBus(redisUrl: string | undefined, onChange: (c: LinkChange) => void): { cache: Cache; bus: EventBus } {
  if (!redisUrl) return { cache: new MemoryCache(), bus: new MemoryEventBus() };
  const redisCache = new RedisCache(redisUrl);
  const link = new ServiceLink('redis', () => redisCache.probe(), onChange);
  return { cache: new FallbackCache(redisCache, new MemoryCache(), link), bus: new FallbackEventBus(new RedisEventBus(redisUrl), new MemoryEventBus(), link) };
}

/** The plausibility bounds of a bar, from `pipeline.*`: the pipeline validates with them, the paper broker
 * fills only within them. */
function barLimitsOf(config: AppConfig): BarLimits {
  const p = config.pipeline;
  return { spikeMove: p.spikeMove, maxMove: p.maxDailyMove, minPrice: p.minPrice, maxPrice: p.maxPrice, maxVolume: p.maxVolume };
}

function createMarketData(config: AppConfig): MarketData {
  const md = config.marketData;
  const symbols = md.universe.length > 0 ? md.universe : md.providerSymbols;
  const policy = requestPolicy({ requestsPerSecond: config.pipeline.requestsPerSecond, retries: config.pipeline.maxAttempts, minTimeoutMs: config.pipeline.retryDelayMs });
  switch (md.provider) {
    case 'csv':
      return new CsvMarketData(md.csvDir, md.calendarSymbol, md.csvCacheSymbols);
    case 'ccxt':
      return new CcxtMarketData({ ...md.ccxt, timeoutMs: md.timeoutMs, apiRoot: md.ccxtApiRoot, symbols: md.universe, calendarSymbol: md.calendarSymbol }, policy);
    case 'alpaca':
      return new AlpacaMarketData({
        keyId: md.alpacaKeyId, secretKey: md.alpacaSecretKey, dataUrl: md.alpacaDataUrl, feed: md.alpaca.feed, timeoutMs: md.timeoutMs, symbols, calendarSymbol: md.calendarSymbol,
      }, policy);
    case 'yahoo':
      return new YahooMarketData({ timeoutMs: md.timeoutMs, apiRoot: md.yahooApiRoot, symbols, calendarSymbol: md.calendarSymbol }, policy);
  }
}

/** A broker that is not the paper broker, built before anything opens so a bad setting fails clean. */
function createRemoteBroker(config: AppConfig): Broker | null {
  const t = config.trading;
  const live = t.mode === 'live';
  switch (t.broker) {
    case 'paper':
      return null;
    case 'alpaca':
      return new AlpacaBroker({ keyId: t.alpaca.keyId, secretKey: t.alpaca.secretKey, apiRoot: t.alpaca.apiRoot, live, timeoutMs: t.brokerTimeoutMs });
    case 'ccxt':
      return new CcxtBroker({ ...t.ccxt, live, timeoutMs: t.brokerTimeoutMs });
    case 'kite':
      return new KiteBroker({ ...t.kite, live, timeoutMs: t.brokerTimeoutMs });
  }
}

/** The fault-injection hook: with TILLER_CRASH_AT set (tests only), the process kills itself at that point. */
function crashHook(config: AppConfig): CrashHook {
  const at = config.trading.crashAt;
  if (!at) return () => undefined;
  return (point) => {
    if (point === at) process.kill(process.pid, 'SIGKILL');
  };
}

function alertTargets(config: AppConfig): AlertTarget[] {
  const t: AlertTarget[] = (config.telegram?.alertChats ?? []).map((chatId) => ({ transport: TELEGRAM, chatId }));
  for (const chatId of config.discord?.alertChannels ?? []) t.push({ transport: DISCORD, chatId });
  if (config.consoleChat) t.push({ transport: CONSOLE, chatId: 'console' });
  return t;
}

/** Where the pipeline exports candles: `pipeline.exportDir`, by default under the var dir; null when "off". */
function exportDir(config: AppConfig): string | null {
  if (config.pipeline.exportDir === 'off') return null;
  return config.pipeline.exportDir ? path.resolve(config.pipeline.exportDir) : path.join(config.varDir, 'exports', 'candles');
}

/** Progress of long pipeline steps as log lines, every 100 symbols. */
function logProgress(log: Logger): ProgressFn {
  return (step, done, total) => {
    if (done === total || done % 100 === 0) log.info({ step, done, total }, `pipeline ${step} ${done}/${total}`);
  };
}

export async function createApp(config: AppConfig, opts: { clock?: Clock; log?: Logger; progress?: ProgressFn } = {}): Promise<App> {
  assertTradingMode(config);
  const market = createMarketData(config); // before anything is opened: a bad provider setting fails clean
  const remoteBroker = createRemoteBroker(config);
  const log = opts.log ?? createLogger(config.logLevel);
  // Jobs queued for a past day pin this clock to their scheduled time while they run (jobs/scheduler.ts).
  const clock = opts.clock ?? new RunClock();
  let embedded: EmbeddedDatabase | null = null;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres(config.varDir, config.embeddedPgPort, (m) => log.info(m));
    url = embedded.url;
  }
  const db = openDatabase(url);
  const applied = await migrateToLatest(db.db, db.pool);
  if (applied.length) log.info({ applied }, 'migrations applied');

  // With Redis, each process falls back to its own cache and bus while Redis is down, and says so.
  let announceLink: (c: LinkChange) => void = () => undefined;
  const { cache, bus } = sharedCacheAndBus(config.redisUrl, (c) => announceLink(c));
  const repos = createRepositories(db.db, db.pool);

  const alerts = new AlertService(repos.outbox, bus, () => alertTargets(config), repos.subscriptions);
  announceLink = (c) => {
    if (c.up) log.info({ service: c.service, detail: c.detail }, `${c.service} is back: the shared cache and event bus are in use again`);
    else log.warn({ service: c.service, err: c.detail }, `${c.service} is unavailable: this process carries on with an in-process cache and event bus`);
    // One alert per change and minute, however many processes notice it.
    const key = `service_status:${c.service}:${c.up ? 'up' : 'down'}:${c.at.toISOString().slice(0, 16)}`;
    alerts.raise({ type: 'service_status', service: c.service, up: c.up, detail: c.detail, at: c.at.toISOString() }, key)
      .catch((err: unknown) => log.error({ err }, 'service status alert not stored'));
  };
  const state = new TradingStateService(repos.state, alerts, clock);
  const calendar = new MarketCalendar(config.market);
  const prices = new PriceSource(market, repos.candles, config.market);
  const broker = remoteBroker ?? new PaperBroker(prices, clock, config.trading.paper, repos.paperLedger, repos.trading, barLimitsOf(config));
  const crash = crashHook(config);
  const announcer = new FillAnnouncer(repos.trading, alerts);
  const executor = new OrderExecutor(repos.trading, broker, new FillBooking(repos, config.trading.exits), alerts, clock, crash);
  const portfolio = new Portfolio(repos.trading, prices);
  const limits = new RiskLimitsService(config.trading, repos.riskSettings, clock);
  const volatility = config.trading.breakers.volatility.source === 'index'
    ? new CsvIndexGauge(path.resolve(config.trading.breakers.volatility.indexCsv))
    : new MedianAtrGauge(repos.indicators);
  const { trading } = config;
  const closer = new PositionCloser({ executor, announcer, trading: repos.trading });
  const halt = new HaltService({
    closePositionsOnHalt: trading.closePositionsOnHalt, timezone: config.market.timezone, clock, state, executor, repo: repos.trading, closer,
  });
  const breakers = new CircuitBreakers({
    startingCash: trading.startingCash, repos, clock, limits, volatility, state, alerts, haltHard: (by, reason) => halt.halt(by, reason), log,
  });
  const monitor = new PositionMonitor({ trading, repo: repos.trading, prices, calendar, clock, portfolio, announcer, closer, breakers });
  const tradeCycle = new TradeCycle({ trading, repos, clock, prices, portfolio, state, limits, executor, announcer, breakers, closer, crash });
  const report = new DailyReport({ startingCash: trading.startingCash, marketKind: config.market.kind, repos, clock, calendar, portfolio, alerts });
  const reconciler = new Reconciler({
    startingCash: trading.startingCash, timezone: config.market.timezone, repo: repos.trading, clock, executor, announcer, state, alerts, log,
  }, broker);
  await repos.trading.ensureAccount(config.trading.startingCash);

  const exportsTo = exportDir(config);
  const pipeline = new PipelineService(
    repos, market,
    { ...config.marketData, ...config.pipeline, limits: barLimitsOf(config) },
    { exporter: exportsTo ? new CsvCandleExport(exportsTo) : null, onProgress: opts.progress ?? logProgress(log), alerts },
  );
  const backtestService = new BacktestService(repos, config, calendar);
  const trainingFor = (c: AppConfig) => new ModelTrainingService({
    registry: repos.models, settings: c.models, varDir: c.varDir, log, rule: ruleOf(c), alerts, clock,
    portfolioFor: async (m) => topNPortfolio(new BacktestService(repos, c, calendar), m, c.trading.profile, (await limits.current()).limits, tradingDaysPerYear(c.market.kind)),
  });
  const training = trainingFor(config);
  const rationales = new PickRationales(
    config.ollamaHost ? new OllamaRationaleWriter({ host: config.ollamaHost, model: config.rationale.model, timeoutMs: config.rationale.timeoutMs, stream: config.rationale.stream }) : null,
    repos.picks, config, log,
  );
  const strategyScoresFn = backtestStrategyScores(config, { scorer: training, registry: repos.models });
  const distributedTraining: App['distributedTraining'] = async (spec, matrix, onDone) => {
    const runId = `train-${randomUUID()}`;
    await repos.training.create(runId, spec);
    const queue = await startTaskQueue({ pool: db.pool, repos, config, log }, { symbols: spec.symbols, matrix });
    return { runner: queue.trainingRunner(runId, repos.training, onDone), close: () => queue.stop() };
  };
  const shadows = new ShadowPortfolios({ repos, backtest: backtestService, limits: async () => (await limits.current()).limits, tradingProfile: config.trading.profile });
  const handlers = jobHandlers({
    calendar, cleanup: new CleanupService({ repo: repos.retention, clock, log, retention: config.retention, varDir: config.varDir }),
    pipeline, picks: new PicksService(repos, config, training, backtestService, new CsvPicksExport(path.join(config.varDir, 'exports', 'picks')), rationales), tradeCycle, monitor, report, reconciler,
    shadows,
    async train() {
      const m = await backtestService.load();
      const shared = config.models.distribute
        ? await distributedTraining({ symbols: null, dataThrough: m.days.at(-1)!, models: config.models }, m, (done, total) => log.info({ done, total }, `train: ${done}/${total} folds done by the workers`))
        : null;
      const { report: r, models, rule, signalRules } = await training.train(m, trackTraining(logTraining(log)), shared?.runner).finally(() => shared?.close());
      for (const x of models) training.dispose(x.kind, x.model);
      return { folds: r.folds.length, symbols: r.symbols, seconds: Math.round(r.seconds.total), models: models.map((x) => ({ kind: x.kind, version: x.version, status: x.status, reason: x.reason })), rule, signalRules };
    },
  });

  const jobDeps: JobRunnerDeps = { alerts, log, clock, runs: repos.jobRuns, retry: config.jobs.retry, worker: workerName() };
  // Jobs asked for now go through Agenda, so its locks apply: a worker (or `start`) runs them, once.
  const jobQueue = new JobQueue(() => new Scheduler(db.pool, handlers, jobDeps, schedulerOptions(config)));
  const queueJob = (name: JobName, run: QueuedRun) => jobQueue.queue(name, run);
  const jobs: JobControl = {
    names: JOB_NAMES,
    schedule: config.schedule,
    async trigger(name, by) {
      const day = tradingDayOf(clock.now(), config.market.timezone);
      // A failure is recorded and alerted by runJob where it runs; the chat only hears that it was queued.
      await queueJob(name as JobName, { day, trigger: by });
      return { day };
    },
  };

  const backtestControl = (): BacktestControl => ({
    strategies: STRATEGIES,
    dataRange: () => repos.candles.dayRange(),
    async run(o, by) {
      const { limits: current } = await limits.current();
      const { id, result, dir } = await runBacktestToFiles(backtestService, config, current, o, { now: clock.now(), volatility, runs: repos.backtestRuns, requestedBy: by, strategyScores: strategyScoresFn });
      return {
        id, from: result.options.from, to: result.options.to, strategy: result.options.strategy, profile: result.options.profile,
        symbols: result.options.symbols, days: result.run.days.length, notes: result.notes, metrics: result.metrics, startingCash: result.run.startingCash, dir,
        curve: result.run.days.map((d, i) => ({ day: d.day, equity: d.equity, drawdown: d.drawdown, benchmark: result.benchmark[i + 1] ?? null })),
      };
    },
    recent: (n) => repos.backtestRuns.recent(n),
    get: (id) => repos.backtestRuns.get(id),
  });

  const roles: Record<string, RoleLists | 'local-admin'> = {};
  if (config.telegram) roles[TELEGRAM] = config.telegram;
  if (config.discord) roles[DISCORD] = config.discord;
  if (config.consoleChat) roles[CONSOLE] = 'local-admin';
  if (config.api.tokens.length > 0) {
    const named = (role: string) => config.api.tokens.filter((t) => t.role === role).map((t) => t.name);
    roles[API_TRANSPORT] = { admins: named('admin'), operators: named('operator'), viewers: named('viewer') };
  }
  const core = new CommandCore(
    buildCommands({ config, repos, clock, portfolio, state, halt, breakers, limits, jobs, backtests: backtestControl(), alertChats: () => alertTargets(config) }),
    new Authorizer(roles), repos.audit, cache, clock, config.chat.confirmTtlSeconds, log,
  );
  initMetricLabels({ jobs: JOB_NAMES, breakers: BREAKER_NAMES, transports: alertTargets(config).map((t) => t.transport) });
  setShadowSource(() => repos.shadows.list());
  const dispatcher = new AlertDispatcher(repos.outbox, bus, { pollMs: config.chat.alertPollMs, maxAttempts: config.chat.alertMaxAttempts }, log,
    new FileSentJournal(path.join(config.varDir, 'alerts-sent.log')));

  return {
    config, log, clock, db, repos, cache, bus, market, broker, reconciler, core, dispatcher, handlers, queueJob, shadows, state, limits, volatility,
    backtest: backtestService,
    backtestFor: (c) => new BacktestService(repos, c, calendar),
    trainingFor,
    strategyScores: strategyScoresFn,
    distributedTraining,
    async distributedSweeps(runId, spec, local) {
      await repos.sweeps.create(runId, spec);
      const queue = await startTaskQueue({ pool: db.pool, repos, config, log }, { symbols: spec.symbols, matrix: local.matrix });
      return { runner: queue.runner(runId, repos.sweeps), close: () => queue.stop() };
    },
    jobDeps,
    async close() {
      await jobQueue.stop(); // the queue's Agenda connection, before the pool closes
      await dispatcher.stop();
      await cache.close();
      await bus.close();
      await db.close();
      if (embedded) await embedded.stop();
    },
  };
}

/** The live picks rule of a config (its traded profile), evaluated beside the models. */
export const ruleOf = tradedRule;

/** The scheduler's settings from the configuration. */
function schedulerOptions(config: AppConfig): SchedulerOptions {
  return { schedule: config.schedule, timezone: config.market.timezone, lockLifetimeMs: config.jobs.lockLifetimeMs, processEveryMs: config.jobs.pollMs };
}

/** This process's queue of shared tasks (walk-forward backtests and training folds), started; `primed`
 * hands it a matrix the process already holds. */
async function startTaskQueue(
  d: { pool: DbHandle['pool']; repos: Repositories; config: AppConfig; log: Logger }, primed?: { symbols: string[] | null; matrix: MarketMatrix },
): Promise<SweepQueue> {
  const worker = new SweepWorker({ repos: d.repos, config: d.config, log: d.log }, workerName());
  if (primed) worker.prime(primed.symbols, primed.matrix);
  const queue = new SweepQueue(d.pool, worker, { log: d.log, training: new TrainFoldWorker({ repo: d.repos.training, matrices: worker, log: d.log }) });
  await queue.start();
  return queue;
}

/** One line naming the market data provider once its probe answered, or saying what to do when it did not
 * (offline, the recorded data); it never holds up start-up. */
export async function announceProvider(app: Pick<App, 'config' | 'market'> & { log: Pick<Logger, 'info' | 'warn'> }): Promise<void> {
  const md = app.config.marketData;
  const name = md.provider === 'csv' ? `csv (recorded data in ${md.csvDir})` : md.provider === 'ccxt' ? `ccxt (${md.ccxt.exchange})` : md.provider;
  try {
    await withTimeout(app.market.probe(), 15_000, `${md.provider} probe`);
    app.log.info({ provider: md.provider }, `market data: ${name}, answering`);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const hint = md.provider === 'csv' ? 'check MARKET_DATA_DIR' : 'no internet? Run on recorded data: MARKET_DATA=csv MARKET_DATA_DIR=../shared/data/sp500 npm start';
    app.log.warn({ provider: md.provider, err: why }, `market data: ${name} did not answer (${why}); ${hint}`);
  }
}

/** What /health checks (the transports add their own): storage, the market data provider and the broker. */
export function healthChecks(app: Pick<App, 'repos' | 'cache' | 'market' | 'broker'>): HealthCheck[] {
  return [
    { name: 'database', check: () => app.repos.probe() },
    { name: 'cache', check: () => app.cache.probe() },
    { name: 'market_data', check: () => app.market.probe() },
    { name: 'broker', check: () => app.broker.probe() },
  ];
}

/** The chat transports the config turns on, each built once and registered with the alert dispatcher (with its
 * rate limits); the caller starts the ones that take commands. Discord's symbol autocomplete comes from the
 * positions. */
function chatTransports(app: App): { telegram: TelegramBot | null; discord: DiscordBot | null; consoleBot: ConsoleBot | null } {
  const { config, core, log } = app;
  const currency = config.market.currency;
  const telegram = config.telegram ? new TelegramBot(config.telegram, core, currency, log) : null;
  const suggest: SymbolSuggester = async (_source, prefix) =>
    (await app.repos.trading.positions()).map((p) => p.symbol).filter((s) => s.startsWith(prefix)).sort();
  const discord = config.discord ? new DiscordBot(config.discord, core, currency, suggest, log) : null;
  const consoleBot = config.consoleChat ? new ConsoleBot(core, currency, process.stdin, process.stdout, path.join(config.varDir, 'charts')) : null;
  if (telegram) app.dispatcher.register(TELEGRAM, (chat, ev, opts) => telegram.sendAlert(chat, ev, opts), TELEGRAM_RATE_LIMITS);
  if (discord) app.dispatcher.register(DISCORD, (chat, ev, opts) => discord.sendAlert(chat, ev, opts), DISCORD_RATE_LIMITS);
  if (consoleBot) app.dispatcher.register(CONSOLE, (chat, ev) => consoleBot.sendAlert(chat, ev));
  return { telegram, discord, consoleBot };
}

/** A started process; stop() shuts it down gracefully. */
export interface RunningProcess {
  http: FastifyInstance | null;
  port: number | null;
  stop(): Promise<void>;
}

/**
 * Start the long-running parts: `start` = API + bots + scheduler, `bot` = API + bots, `worker` = scheduler.
 */
export async function startProcess(app: App, mode: 'start' | 'bot' | 'worker'): Promise<RunningProcess> {
  const { config, log } = app;
  const stops: Array<() => Promise<void> | void> = [];
  let http: FastifyInstance | null = null;
  let port: number | null = null;
  let scheduler: Scheduler | null = null;
  buildInfo.set({ version: TILLER_VERSION, role: mode }, 1);
  // Read at each scrape, bounded so a database or Redis outage never hangs /metrics.
  const answers = (probe: () => Promise<unknown>, what: string) => () => withTimeout(probe(), 2_000, what).then(() => true, () => false);
  setScrapeProbes({
    outboxPending: () => withTimeout(app.repos.outbox.countPending(), 2_000, 'outbox count'),
    database: answers(() => app.repos.probe(), 'database probe'),
    redis: config.redisUrl ? answers(() => app.cache.probe(), 'redis probe') : undefined,
    jobLastSuccess: async () => new Map([...await withTimeout(app.repos.jobRuns.lastSuccesses(), 2_000, 'job records')].map(([job, at]) => [job, at.getTime() / 1000])),
  });

  if (mode !== 'worker') {
    const { telegram, discord, consoleBot } = chatTransports(app);

    const checks = healthChecks(app);
    if (telegram) checks.push({ name: 'telegram', check: async () => void (await telegram.bot.telegram.getMe()) });
    if (discord) checks.push({ name: 'discord', check: async () => { if (!discord.isReady()) throw new Error('not connected to the Discord gateway'); } });
    const hook = telegram?.webhookRoute();
    const api = config.api.tokens.length > 0
      ? { core: app.core, tokens: new ApiTokens(config.api.tokens), config, version: TILLER_VERSION, log }
      : undefined;
    http = buildHttpServer(checks, hook ? [hook] : [], api, config.http.metricsToken);
    await http.listen({ port: config.http.port, host: config.http.host });
    port = (http.server.address() as AddressInfo).port;
    log.info({ port, api: api ? `on at /api (${config.api.tokens.length} client(s); /api/openapi.json)` : 'off (no API_TOKENS)' }, 'http listening');
    stops.push(() => http?.close());

    await app.dispatcher.start();
    if (telegram) {
      await telegram.start();
      stops.push(() => telegram.stop());
    }
    if (discord) {
      await discord.startOrRetry(config.chat.reconnectMs);
      stops.push(() => discord.stop());
    }
    if (consoleBot) {
      consoleBot.start();
      stops.push(() => consoleBot.stop());
    }
  }
  if (mode === 'worker' && config.http.workerPort !== undefined) {
    // A worker runs the jobs, so their metrics live here: it serves /health and /metrics on a port of its own.
    http = buildHttpServer(healthChecks(app), [], undefined, config.http.metricsToken);
    await http.listen({ port: config.http.workerPort, host: config.http.host });
    port = (http.server.address() as AddressInfo).port;
    log.info({ port }, 'worker metrics listening');
    stops.push(() => http?.close());
  }
  if (mode !== 'bot') {
    // Reconcile with the broker before the scheduler may trade. A broker that does not answer now is logged
    // and alerted; the trade and monitor jobs reconcile again before they place anything.
    try {
      await app.reconciler.reconcile();
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      log.error({ err: error }, 'start-up reconciliation failed; it is retried before the next trading job');
      await app.jobDeps.alerts.raise({ type: 'job_failed', job: 'reconcile', error, at: app.clock.now().toISOString() }, `job_failed:reconcile:${app.clock.now().toISOString()}`);
    }
    scheduler = new Scheduler(app.db.pool, app.handlers, app.jobDeps, schedulerOptions(config));
    await scheduler.start();
    log.info({ schedule: config.schedule, timezone: config.market.timezone }, 'scheduler started');
    const gap = holidayListGap(config.market, tradingDayOf(app.clock.now(), config.market.timezone));
    if (gap) log.warn({ market: config.market.name }, gap);
    stops.push(() => scheduler?.stop());
    const sweeps = await startTaskQueue({ pool: app.db.pool, repos: app.repos, config, log });
    stops.push(() => sweeps.stop());
  }
  const state = await app.state.get();
  log.info({ mode, state: state.status }, 'tiller started');
  void announceProvider(app);
  if (mode === 'start') void firstRunOnRecordedData(app);
  return {
    http, port,
    async stop() {
      // Stop taking commands first, then jobs, then deliver what is left in the outbox.
      for (const s of stops.reverse()) await s();
      await app.dispatcher.flush(5_000);
    },
  };
}

/** Where a recorded provider's data ends (null for live providers): `tiller run` without `--day` runs
 * there instead of on a today the data never reaches. */
export async function recordedDataEnd(config: AppConfig): Promise<TradingDay | null> {
  const md = createMarketData(config);
  return md.lastDay ? md.lastDay() : null;
}

/** `tiller replay`: the daily schedule over historical days; alerts are delivered to the configured chats. */
export async function runReplay(app: App, from: TradingDay, to: TradingDay, onProgress?: (day: TradingDay, i: number, n: number) => void): Promise<ReplaySummary> {
  if (!(app.clock instanceof ManualClock)) throw new Error('replay needs a ManualClock');
  const { config } = app;
  chatTransports(app); // their alerts only: sending needs no polling, and Discord's REST API no gateway login
  await app.dispatcher.start();
  // The shadow portfolios are recomputed whole, so once at the end gives what every replayed day would have.
  const clock = app.clock;
  const summary = await app.shadows.deferDuring(() => replay({ ...app.jobDeps, clock }, app.handlers, app.market, config.schedule, config.market.timezone, { from, to, onProgress }));
  const pending = await app.dispatcher.flush(60_000);
  if (pending > 0) app.log.warn({ pending }, 'alerts still pending after replay; they are delivered at the next start');
  return summary;
}
