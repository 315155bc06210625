import type { BarColumns, IndicatorRow, IndicatorSeries } from '../market/indicators.js';
import type { BrokerOrderResult } from './broker.port.js';
import type { SweepOutcome, SweepSpec, SweepTask } from '../backtest/sweep.js';
import type { FoldOutcome, FoldTask, TrainFoldSpec } from '../training/fold-tasks.js';
import type { Exclusion, PointFundamentals } from '../picks/screening.js';
import type {
  BotEvent, BreakerClearance, BreakerName, BreakerTrip, Candle, DerivedMetrics, Fundamentals, ClosedTrade, Fill, Instrument, Order, OrderStatus, Pick,
  PortfolioSnapshot, Position, RawCandle, RiskProfile, TradingDay, TradingState,
} from '../domain/types.js';

/** Symbols and their descriptive data. */
export interface InstrumentRepository {
  upsertMany(instruments: Instrument[]): Promise<number>;
  list(): Promise<Instrument[]>;
  /** When the symbol master was last stored (the latest `upsertMany`), or null when nothing is stored. */
  refreshedAt(): Promise<Date | null>;
  /** The sector of each of `symbols` that is stored (null where it has none). */
  sectorsOf(symbols: readonly string[]): Promise<Map<string, string | null>>;
  /** Every sector some stored instrument has, sorted. */
  sectorNames(): Promise<string[]>;
  /** Every stored fundamentals row the screening reads, each with the day it was first stored. */
  fundamentalsHistory(): Promise<Array<PointFundamentals & { symbol: string }>>;
}

/** Why symbols were left out of a day's picks (src/picks/screening.ts). */
export interface ScreeningRepository {
  /** Replace the exclusions of a picks day (a rerun replaces them). */
  replaceDay(day: TradingDay, excluded: Exclusion[]): Promise<void>;
  /** The exclusion of a symbol on a picks day, or null when it passed (or was not screened). */
  of(day: TradingDay, symbol: string): Promise<Exclusion | null>;
}

/** Daily bars that passed validation. The pipeline only ever appends days after a symbol's last stored day. */
export interface CandleRepository {
  /** Append bars (bulk); a bar for an existing (symbol, day) is an error, so a racing run fails loudly. */
  insertNew(candles: Candle[]): Promise<number>;
  /** The same for bars as columns (each symbol's validated bars): one COPY, no object per bar. */
  insertBars(list: ReadonlyArray<{ symbol: string; bars: BarColumns }>): Promise<number>;
  /** The last stored bar (day and close) per symbol. */
  lastBars(): Promise<Map<string, { day: TradingDay; close: number }>>;
  /** Bars of each symbol with day >= from, oldest first. */
  since(symbols: string[], from: TradingDay): Promise<Map<string, Candle[]>>;
  /** Bars of each symbol with day >= from, oldest first, as typed columns (every symbol asked has an entry). */
  columnsSince(symbols: string[], from: TradingDay): Promise<Map<string, BarColumns>>;
  /** The last stored bar of a symbol on or before `day`. */
  lastOnOrBefore(symbol: string, day: TradingDay): Promise<Candle | null>;
  /** Each symbol's close `lags[k]` stored days before `day` (0: the last stored day on or before it; null
   * where the symbol has no bar), counted on the axis of the days any stored symbol has a bar. */
  closesAtLags(symbols: string[], day: TradingDay, lags: readonly number[]): Promise<Map<string, Array<number | null>>>;
  /** The last day any symbol has a stored bar (null: none stored). */
  lastDay(): Promise<TradingDay | null>;
  /** The equal-weight universe's return on each day in [from, to]: the mean of every symbol's close over
   * its previous stored close (rebalanced daily). */
  equalWeightReturns(from: TradingDay, to: TradingDay): Promise<Map<TradingDay, number>>;
  /** The first and last stored day of any symbol, or null when nothing is stored. */
  dayRange(): Promise<{ first: TradingDay; last: TradingDay } | null>;
  /** How many symbols have a bar on `day`. */
  countOn(day: TradingDay): Promise<number>;
}

export interface IndicatorRepository {
  /** Append the features of days after each symbol's last indicator day (bulk), and save each series'
   * kernel state as of its last day. */
  insertNew(series: IndicatorSeries[]): Promise<number>;
  /** The saved kernel state of each symbol that has one of the current layout, with the day it is as of. */
  states(symbols: string[]): Promise<Map<string, { day: TradingDay; state: Float64Array }>>;
  /** The latest day <= `day` that has indicators, or null. */
  latestDayOnOrBefore(day: TradingDay): Promise<TradingDay | null>;
  onDay(day: TradingDay): Promise<IndicatorRow[]>;
  /** The last day with indicators per symbol. */
  lastDays(): Promise<Map<string, TradingDay>>;
}

/** One backtest run, as /backtests lists it. */
export interface BacktestRunRecord {
  id: string;
  requestedBy: string;
  startedAt: Date;
  finishedAt: Date | null;
  status: 'running' | 'succeeded' | 'failed';
  from: TradingDay;
  to: TradingDay;
  strategy: string;
  profile: string;
  /** Headline metrics (total return, Sharpe, max drawdown, trades, benchmark return) once it succeeded. */
  metrics: Record<string, number | null> | null;
  /** The report folder. */
  dir: string | null;
  error: string | null;
}

/** Backtest runs: recorded when they start and when they end. */
export interface BacktestRunRepository {
  start(r: Omit<BacktestRunRecord, 'finishedAt' | 'status' | 'metrics' | 'dir' | 'error'>): Promise<void>;
  finish(id: string, at: Date, outcome: { metrics: Record<string, number | null>; dir: string } | { error: string }): Promise<void>;
  /** The latest runs, newest first. */
  recent(limit: number): Promise<BacktestRunRecord[]>;
  /** One run by its id, or null. */
  get(id: string): Promise<BacktestRunRecord | null>;
}

/** A queued sweep task as stored. */
export interface SweepTaskRecord {
  seq: number;
  task: SweepTask;
  status: 'queued' | 'running' | 'done' | 'failed';
  outcome: SweepOutcome | null;
  error: string | null;
  /** The process that ran it (its Agenda name). */
  worker: string | null;
}

/** One (family, fold) task of a distributed training run, with its outcome once done. */
export interface TrainingTaskRecord {
  seq: number;
  family: string;
  fold: number;
  status: 'queued' | 'running' | 'done' | 'failed';
  /** The fold's out-of-sample scores (day-major over its test span), when asked for and done. */
  scores: Float64Array | null;
  seconds: number | null;
  error: string | null;
  /** The process that ran it (its Agenda name). */
  worker: string | null;
}

/** The tasks of distributed training runs (issue 11) and their outcomes. */
export interface TrainingTaskRepository {
  /** Record a run's spec (once). */
  create(runId: string, spec: TrainFoldSpec): Promise<void>;
  spec(runId: string): Promise<TrainFoldSpec | null>;
  /** Store tasks as queued (a seq already stored is left as it is). */
  enqueue(runId: string, tasks: Array<{ seq: number } & FoldTask>): Promise<void>;
  task(runId: string, seq: number): Promise<TrainingTaskRecord | null>;
  /** Mark a task running on `worker`. */
  start(runId: string, seq: number, worker: string): Promise<void>;
  finish(runId: string, seq: number, worker: string, result: FoldOutcome | { error: string }): Promise<void>;
  /** The given tasks of a run, by seq; scores only with `withScores`. */
  tasks(runId: string, seqs: readonly number[], withScores: boolean): Promise<TrainingTaskRecord[]>;
  /** Drop a finished run's scores (about 0.5 MB a task for 505 symbols); the task records stay. */
  dropScores(runId: string): Promise<void>;
}

/** The tasks of distributed sweeps (walk-forward windows and grid points) and their outcomes. */
export interface SweepRepository {
  /** Record a run's spec (once; a second call for the same run is ignored). */
  create(runId: string, spec: SweepSpec): Promise<void>;
  spec(runId: string): Promise<SweepSpec | null>;
  /** Store tasks as queued (a seq already stored is left as it is). */
  enqueue(runId: string, tasks: Array<{ seq: number; task: SweepTask }>): Promise<void>;
  task(runId: string, seq: number): Promise<SweepTaskRecord | null>;
  /** Mark a task running on `worker`. */
  start(runId: string, seq: number, worker: string): Promise<void>;
  finish(runId: string, seq: number, worker: string, result: { outcome: SweepOutcome } | { error: string }): Promise<void>;
  /** The given tasks of a run, by seq. */
  tasks(runId: string, seqs: readonly number[]): Promise<SweepTaskRecord[]>;
}

/** A model in the registry. */
export interface ModelRecord {
  id: number;
  kind: string;
  version: number;
  params: Record<string, unknown>;
  dataFrom: TradingDay;
  dataTo: TradingDay;
  horizon: number;
  folds: number;
  /** Out-of-sample figures: overall and per fold. */
  /** Out-of-sample figures (rank IC, t, hit rate, decile spread, top-N; portfolio return, Sharpe and max
   * drawdown when the backtester ran; null where a figure has no value). */
  metrics: { overall: Record<string, number | null>; folds: Array<Record<string, number | null>> };
  /** The baseline's overall figures on the same folds. */
  baseline: Record<string, number | null>;
  backend: string;
  trainSeconds: number;
  artefactPath: string;
  /** sha256 of the artefact file. */
  checksum: string;
  status: 'candidate' | 'active' | 'rejected' | 'retired';
  /** Why it was promoted or rejected. */
  reason: string;
  createdAt: Date;
}

/** The model registry: every trained model and its status; at most one active model per kind. */
export interface ModelRegistry {
  nextVersion(kind: string): Promise<number>;
  add(r: Omit<ModelRecord, 'id' | 'createdAt' | 'status' | 'reason'>): Promise<ModelRecord>;
  /** Make `id` the active model of its kind (the active one before it is retired), in one transaction. */
  promote(id: number, reason: string): Promise<void>;
  /** Mark `id` rejected; with `retireActive`, the kind's active one is retired in the same transaction (a
   * rule has no artefact to keep: its latest evaluation is its standing). */
  reject(id: number, reason: string, retireActive?: boolean): Promise<void>;
  active(kind: string): Promise<ModelRecord | null>;
  /** Every model of a kind (or all), newest first. */
  list(kind?: string): Promise<ModelRecord[]>;
  /** For each of `kinds`, its newest model and its active one (one query; what /status and the picks need). */
  heads(kinds: readonly string[]): Promise<Map<string, { latest: ModelRecord; active: ModelRecord | null }>>;
}

/** A bad row kept with the reason it was refused. */
export interface QuarantinedRow {
  runId: number;
  symbol: string;
  day: string;
  reason: string;
  /** rejected: not stored; flagged: stored, but noted (e.g. a gap before it, a corrected field). */
  kind: 'rejected' | 'flagged';
  raw: RawCandle | Record<string, unknown>;
}

export type StepStatus = 'running' | 'succeeded' | 'failed';
/** A run's status: a step's, or `partial` (it ended storing every symbol it could; others failed, named). */
export type RunStatus = StepStatus | 'partial';

/** A pipeline run as stored, with its steps. */
export interface PipelineRunInfo {
  id: number;
  asOf: TradingDay;
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  resumed: number;
  error: string | null;
  steps: Array<{ step: string; status: StepStatus; rows: number; attempt: number; error: string | null; seconds: number | null }>;
}

/** Tracks pipeline runs and their steps (status, attempts, rows, error, timings), and quarantined rows. */
export interface PipelineRepository {
  /** Run `fn` holding the pipeline lock; throws TemporaryError when another run holds it. Released if the
   * process dies. */
  withRunLock<T>(fn: () => Promise<T>): Promise<T>;
  startRun(asOf: TradingDay, trigger: string): Promise<number>;
  /** The latest run for `asOf` if it failed or was cut off (still marked running; call it under the run
   * lock, where no live run can be), to be resumed; else null. */
  unfinishedRunFor(asOf: TradingDay): Promise<PipelineRunInfo | null>;
  /** Mark a failed run as running again; counts the resumption. */
  resumeRun(runId: number): Promise<void>;
  startStep(runId: number, step: string, attempt: number): Promise<number>;
  finishStep(stepId: number, status: Exclude<StepStatus, 'running'>, rows: number, error?: string): Promise<void>;
  /** Record how a run ended; `error` says why it failed, or which symbols a partial run could not store. */
  finishRun(runId: number, status: Exclude<RunStatus, 'running'>, error?: string): Promise<void>;
  quarantine(rows: QuarantinedRow[]): Promise<number>;
  /** Like quarantine, but a note already kept for the same symbol, reason and kind (on any day) is not added
   * again: for standing facts such as a provider's corrected fundamentals, seen on every run. */
  quarantineOnce(rows: QuarantinedRow[]): Promise<number>;
  /** How many rows a run quarantined, by kind. */
  quarantineCounts(runId: number): Promise<{ rejected: number; flagged: number }>;
  lastRuns(limit: number): Promise<PipelineRunInfo[]>;
  /** Store the run's fundamentals where they changed: a symbol whose values equal its latest stored row from
   * the same source gets no new row (as_of is the first day values were seen). Returns the rows written. */
  upsertFundamentals(asOf: TradingDay, source: string, rows: Fundamentals[]): Promise<number>;
  /** Store derived metrics (idempotent by symbol and day). */
  upsertMetrics(rows: DerivedMetrics[]): Promise<number>;
  /** The last day with derived metrics per symbol. */
  metricsDays(): Promise<Map<string, TradingDay>>;
}

/** One strategy's picks for a day and profile; one set of the day is the traded one. */
export interface PickSet {
  /** The strategy's name as `trading.strategy` names it (baseline, momentum-trend, trees-gbt, …). */
  strategy: string;
  traded: boolean;
  picks: Pick[];
}

/** A stored pick with the strategy it belongs to. */
export type StoredPick = Pick & { strategy: string; traded: boolean };

export interface PickRepository {
  /** Replace every pick of one day and profile with these sets, in one transaction (reruns replace, never
   * duplicate; exactly the sets given remain). */
  replaceDay(day: TradingDay, profile: RiskProfile, sets: PickSet[]): Promise<void>;
  /** Replace a day and profile with one traded set whose strategy is its picks' model (hand-made picks). */
  replace(day: TradingDay, profile: RiskProfile, picks: Pick[]): Promise<void>;
  /** The traded picks of a day (one profile or both), by profile and rank. */
  forDay(day: TradingDay, profile?: RiskProfile): Promise<Pick[]>;
  /** A day's picks of one strategy (default: the traded one), one profile or both, by profile and rank. */
  query(day: TradingDay, f: { profile?: RiskProfile; strategy?: string }): Promise<StoredPick[]>;
  /** Every strategy's picks of one symbol on a day (both profiles), the traded set first. */
  ofSymbol(day: TradingDay, symbol: string): Promise<StoredPick[]>;
  /** The strategies with picks on a day, the traded one first. */
  strategiesOn(day: TradingDay): Promise<string[]>;
  /** Every (strategy, profile) that ever picked: its first picks day, and whether its latest set was traded. */
  combinations(): Promise<Array<{ strategy: string; profile: RiskProfile; firstDay: TradingDay; traded: boolean }>>;
  /** One strategy's picks for one profile, by day. */
  history(strategy: string, profile: RiskProfile): Promise<Map<TradingDay, Pick[]>>;
  latestDay(): Promise<TradingDay | null>;
  /** Store a pick's rationale (written after the picks, e.g. by the local LLM). */
  setRationale(day: TradingDay, profile: RiskProfile, strategy: string, symbol: string, rationale: string): Promise<void>;
}

/** A (strategy, profile)'s shadow paper portfolio as of its last day. */
export interface ShadowPortfolio {
  strategy: string;
  profile: RiskProfile;
  /** Whether it is the set the live account trades (its latest picks were marked traded). */
  traded: boolean;
  firstDay: TradingDay;
  asOf: TradingDay;
  /** Trading days live. */
  days: number;
  equity: number;
  totalReturn: number;
  sharpe: number | null;
  maxDrawdown: number;
  /** Share of closed trades that made money (null: none closed). */
  hitRate: number | null;
  trades: number;
}

/** The shadow portfolios, replaced together after each day. */
export interface ShadowRepository {
  replaceAll(rows: ShadowPortfolio[]): Promise<void>;
  /** By total return, best first. */
  list(): Promise<ShadowPortfolio[]>;
}

/** The effect of one fill, applied atomically: order status, fill row, cash, position, closed trade. */
export interface FillEffect {
  fill: Fill;
  cashDelta: number;
  /** New state of the position; null when the fill closed it. */
  position: Position | null;
  closedTrade: ClosedTrade | null;
}

export interface TradingRepository {
  /** Insert a new order; false when the client order id exists already (nothing is changed). */
  insertOrder(order: Order): Promise<boolean>;
  getOrder(clientOrderId: string): Promise<Order | null>;
  setOrderStatus(clientOrderId: string, status: OrderStatus, note?: string, brokerOrderId?: string): Promise<void>;
  ordersWithStatus(statuses: OrderStatus[]): Promise<Order[]>;
  ordersOn(day: TradingDay): Promise<Order[]>;
  /** The latest orders, newest first, with their fills' notes. */
  recentOrders(limit: number): Promise<Array<Order & { note: string | null }>>;
  /** Apply a fill in one transaction; a second call for the same order is a no-op returning false.
   * `insideTransaction` runs after the fill row is written and before the rest (a test hook). */
  applyFill(effect: FillEffect, insideTransaction?: () => void): Promise<boolean>;
  getFill(clientOrderId: string): Promise<Fill | null>;
  /** The trade a sell fill closed, by the fill's client order id. */
  closedTradeFor(clientOrderId: string): Promise<ClosedTrade | null>;
  positions(): Promise<Position[]>;
  /** Move a position's stop, target and high-water mark (trailing stops). */
  updatePositionLevels(symbol: string, levels: { stopLoss: number; target: number; highWater: number }): Promise<void>;
  cash(): Promise<number>;
  /** Create the account with its starting cash once; later calls change nothing. */
  ensureAccount(startingCash: number): Promise<void>;
  closedTrades(fromDay: TradingDay, toDay: TradingDay): Promise<ClosedTrade[]>;
  /** Trades closed after `at` (all when null), oldest first. */
  tradesClosedAfter(at: Date | null): Promise<ClosedTrade[]>;
  /** Entry orders that filled (fully or partly) on days in [fromDay, toDay]. */
  countEntries(fromDay: TradingDay, toDay: TradingDay): Promise<number>;
  /** When the last entry filled, or null. */
  lastEntryAt(): Promise<Date | null>;
  fills(): Promise<Fill[]>;
  upsertSnapshot(s: PortfolioSnapshot): Promise<void>;
  /** The latest snapshot strictly before `day`. */
  snapshotBefore(day: TradingDay): Promise<PortfolioSnapshot | null>;
  snapshots(fromDay: TradingDay, toDay: TradingDay): Promise<PortfolioSnapshot[]>;
  /** Highest end-of-day equity on days >= `fromDay` (all days when null). */
  peakEquity(fromDay?: TradingDay | null): Promise<number | null>;
}

export interface StateRepository {
  get(): Promise<TradingState | null>;
  /** Persist a new state and its history row. */
  set(state: TradingState & { changedAt: Date }): Promise<void>;
  /** Persist a trip (its current stage) and its history row. */
  recordTrip(trip: BreakerTrip, action: string): Promise<void>;
  /** Breakers tripped now. */
  trippedBreakers(): Promise<BreakerTrip[]>;
  /** Clear a tripped breaker; its measurement restarts from the clearance. */
  clearBreaker(c: BreakerClearance): Promise<void>;
  /** The last clearance of each breaker that was ever cleared. */
  clearances(): Promise<Map<BreakerName, BreakerClearance>>;
  lastBreaker(): Promise<{ name: BreakerName; stage: string; day: TradingDay; value: number; limit: number; at: Date } | null>;
}

/** Risk limits changed from chat (/set_risk); they override config/*.yaml until changed again. */
export interface RiskSettingsRepository {
  all(): Promise<Map<string, { value: number; changedBy: string; changedAt: Date }>>;
  set(key: string, value: number, by: string, at: Date): Promise<void>;
}

/** The paper broker's order book: each order with its latest result. */
export interface PaperLedger {
  get(clientOrderId: string): Promise<{ order: Order; result: BrokerOrderResult } | null>;
  put(order: Order, result: BrokerOrderResult): Promise<void>;
  /** Orders still resting. */
  open(): Promise<Order[]>;
}

/** One delivery of an alert to one chat. */
export interface PendingDelivery {
  id: number;
  transport: string;
  chatId: string;
  event: BotEvent;
  attempts: number;
  /** Deliver without a notification sound (the chat set this alert type to `silent`). */
  silent: boolean;
}

/** One chat that receives an alert; `silent` delivers it without a notification. */
export interface DeliveryTarget {
  transport: string;
  chatId: string;
  silent?: boolean;
}

/** How a chat receives one type of alert. */
export type AlertMode = 'on' | 'silent' | 'off';

/** Alert subscriptions per chat and alert type; a type a chat never set is `on`. */
export interface SubscriptionRepository {
  /** The modes a chat has set, by alert type. */
  forChat(transport: string, chatId: string): Promise<Map<string, AlertMode>>;
  /** Set the mode of these alert types for one chat. */
  set(transport: string, chatId: string, types: readonly string[], mode: AlertMode, by: string, at: Date): Promise<void>;
  /** Every chat's setting for one alert type, keyed `transport:chatId` (chats that never set it are absent). */
  forType(type: string): Promise<Map<string, AlertMode>>;
}

/** One run of a daily job, as /jobs shows it. */
export interface JobRunInfo {
  job: string;
  day: TradingDay;
  trigger: string;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: 'running' | 'success' | 'failure';
  error: string | null;
  /** The process that ran it (host:pid); null for runs recorded before this was kept. */
  worker: string | null;
}

/** Rows older than these instants are removed by the cleanup job. */
export interface RetentionCutoffs {
  jobRuns: Date;
  /** Settled alert deliveries, and alerts left with none. */
  alerts: Date;
  /** Finished one-off Agenda runs (queued for now). */
  queuedJobs: Date;
  /** Finished backtest runs. */
  backtests: Date;
}

/** What a prune removed; `backtestDirs` are the removed runs' report folders, for the caller to delete. */
export interface PruneResult {
  jobRuns: number;
  alertDeliveries: number;
  alerts: number;
  queuedJobs: number;
  backtests: number;
  backtestDirs: string[];
}

/** Removal of old operational records, in one transaction. Trading records (orders, fills, trades,
 * snapshots), picks and the audit log are never pruned. */
export interface RetentionRepository {
  prune(cutoffs: RetentionCutoffs): Promise<PruneResult>;
}

/** Every job run is recorded: when, why (schedule, manual, chat), how it ended. */
export interface JobRunRepository {
  /** When each job last finished successfully, in any process. */
  lastSuccesses(): Promise<Map<string, Date>>;
  /** A run starting in `worker` (host:pid); its id, for {@link finish}. */
  start(job: string, day: TradingDay, trigger: string, at: Date, worker: string): Promise<number>;
  finish(id: number, outcome: 'success' | 'failure', error: string | null, at: Date): Promise<void>;
  /** The latest run of each job that has run. */
  latest(): Promise<JobRunInfo[]>;
  /** How the run of `job` for `day` asked by `trigger` went: its finished outcome when one has finished (a
   * worker killed mid-run leaves a `running` record behind, and the worker that takes over records another),
   * else `running` when one has started, else null. */
  outcomeOf(job: string, day: TradingDay, trigger: string): Promise<{ outcome: 'running' | 'success' | 'failure'; error: string | null } | null>;
}

/** Alerts are written here first and delivered from here: at least once, deduplicated by key. */
export interface OutboxRepository {
  /** Store an event for the given targets; false when the dedupe key exists (nothing stored). */
  enqueue(event: BotEvent, dedupeKey: string, targets: readonly DeliveryTarget[]): Promise<boolean>;
  /** Claim the deliveries due now, oldest first, at most one per chat to keep order (a chat whose oldest is
   * claimed by someone else waits); only `transport`'s when given. Claimed rows are this caller's alone to send
   * until marked, or until their claim is older than `staleAfterMs` (the claimer died): then they are due again. */
  due(now: Date, limit: number, transport?: string, staleAfterMs?: number): Promise<PendingDelivery[]>;
  markDelivered(id: number, at: Date): Promise<void>;
  markFailed(id: number, error: string, nextAttemptAt: Date | null): Promise<void>;
  countPending(): Promise<number>;
}

export interface AuditEntry {
  at: Date;
  transport: string;
  userId: string;
  chatId: string;
  command: string;
  args: string;
  role: string | null;
  outcome: 'ok' | 'refused' | 'error' | 'confirm_requested' | 'confirmed';
  detail: string;
}

export interface AuditRepository {
  record(entry: AuditEntry): Promise<void>;
  recent(limit: number): Promise<AuditEntry[]>;
}

/** Every repository the core needs, handed in by src/main.ts. */
export interface Repositories {
  instruments: InstrumentRepository;
  candles: CandleRepository;
  indicators: IndicatorRepository;
  pipeline: PipelineRepository;
  picks: PickRepository;
  screening: ScreeningRepository;
  shadows: ShadowRepository;
  trading: TradingRepository;
  state: StateRepository;
  outbox: OutboxRepository;
  retention: RetentionRepository;
  audit: AuditRepository;
  riskSettings: RiskSettingsRepository;
  paperLedger: PaperLedger;
  subscriptions: SubscriptionRepository;
  jobRuns: JobRunRepository;
  backtestRuns: BacktestRunRepository;
  sweeps: SweepRepository;
  training: TrainingTaskRepository;
  models: ModelRegistry;
  /** Resolves when the database answers. */
  probe(): Promise<void>;
}
