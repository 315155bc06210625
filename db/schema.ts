/** kysely table types. Dates of trading days are `date` columns read as 'YYYY-MM-DD' strings. */
import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { FeatureName } from '../src/market/indicators.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface InstrumentsTable { symbol: string; name: string; sector: string | null; market_cap: number | null; updated_at: Timestamp }
export interface CandlesTable { symbol: string; day: string; open: number; high: number; low: number; close: number; volume: number }
/** Every day any stored symbol has a bar (the day axis), written with the bars. */
export interface MarketDaysTable { day: string }
/** `macdHist` → `macd_hist`, at the type level, so the table type follows the feature list. */
type Snake<S extends string> = S extends `${infer H}${infer T}`
  ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${Snake<T>}`
  : S;
export type IndicatorsTable = { symbol: string; day: string; close: number } & { [K in FeatureName as Snake<K>]: number | null };
export interface BacktestRunsTable {
  id: string; requested_by: string; started_at: Timestamp; finished_at: Timestamp | null; status: string; from_day: string; to_day: string;
  strategy: string; profile: string; metrics: JSONColumnType<Record<string, number | null>> | null; dir: string | null; error: string | null;
}
export interface BacktestSweepsTable { run_id: string; spec: JSONColumnType<Record<string, unknown>>; created_at: Generated<Timestamp> }
export interface BacktestSweepTasksTable {
  run_id: string; seq: number; task: JSONColumnType<Record<string, unknown>>; status: string; outcome: JSONColumnType<Record<string, unknown>> | null;
  error: string | null; worker: string | null; started_at: Timestamp | null; finished_at: Timestamp | null;
}
export interface TrainingRunsTable { run_id: string; spec: JSONColumnType<Record<string, unknown>>; created_at: Generated<Date> }
export interface TrainingTasksTable {
  run_id: string; seq: number; family: string; fold: number; status: string; scores: Buffer | null; seconds: number | null;
  error: string | null; worker: string | null; started_at: Timestamp | null; finished_at: Timestamp | null;
}
export interface ModelsTable {
  id: Generated<number>; kind: string; version: number; params: JSONColumnType<Record<string, unknown>>; data_from: string; data_to: string;
  horizon: number; folds: number; metrics: JSONColumnType<Record<string, unknown>>; baseline: JSONColumnType<Record<string, unknown>>; backend: string;
  train_seconds: number; artefact_path: string; checksum: string; status: string; reason: Generated<string>; created_at: Generated<Date>;
}
export interface FeatureStateTable { symbol: string; day: string; version: number; state: Buffer }
export interface PipelineRunsTable { id: Generated<number>; as_of: string; trigger: string; status: string; error: string | null; started_at: Timestamp; finished_at: Timestamp | null; resumed: Generated<number> }
export interface PipelineStepsTable { id: Generated<number>; run_id: number; step: string; attempt: number; status: string; rows: number; error: string | null; started_at: Timestamp; finished_at: Timestamp | null }
export interface QuarantineTable { id: Generated<number>; run_id: number; symbol: string; day: string; reason: string; kind: Generated<string>; raw: JSONColumnType<Record<string, unknown>>; created_at: Timestamp }
export interface PicksTable {
  day: string; profile: string; symbol: string; rank: number; score: number; confidence: number;
  entry: number; target: number; stop_loss: number; model: string; rationale: string; created_at: Timestamp;
  strategy: string; traded: boolean;
  risk_score: number | null; recommendation: string | null; sector: string | null; snapshot: JSONColumnType<Record<string, number | null>> | null;
}
export interface ScreeningTable {
  day: string; symbol: string; stage: string; rule: string; reason: string;
}
export interface ShadowPortfoliosTable {
  strategy: string; profile: string; traded: boolean; first_day: string; as_of: string; days: number; equity: number; total_return: number;
  sharpe: number | null; max_drawdown: number; hit_rate: number | null; trades: number; updated_at: Generated<Timestamp>;
}
export interface OrdersTable {
  client_order_id: string; day: string; symbol: string; side: string; type: string; qty: number; limit_price: number | null;
  stop_price: number | null; broker_order_id: string | null; reason: string; status: string; pick_profile: string | null; note: string | null; created_at: Timestamp; updated_at: Timestamp;
}
export interface FillsTable { id: Generated<number>; client_order_id: string; symbol: string; side: string; qty: number; price: number; fee: number; at: Timestamp }
export interface PositionsTable {
  symbol: string; qty: number; avg_price: number; stop_loss: number; target: number; opened_day: string; profile: string | null;
  high_water: number; model: string | null;
}
export interface ClosedTradesTable {
  id: Generated<number>; client_order_id: string; symbol: string; qty: number; entry_price: number; exit_price: number;
  pnl: number; reason: string; opened_day: string; closed_day: string; profile: string | null; model: string | null; closed_at: Timestamp;
}
export interface AccountTable { id: number; cash: number }
export interface SnapshotsTable { day: string; cash: number; equity: number; exposure: number; realized_pnl: number; unrealized_pnl: number; drawdown: number }
export interface TradingStateTable { id: number; status: string; reason: string; changed_by: string; changed_at: Timestamp }
export interface TradingStateHistoryTable { id: Generated<number>; status: string; reason: string; changed_by: string; changed_at: Timestamp }
export interface BreakerEventsTable {
  id: Generated<number>; name: string; day: string; value: number; limit_value: number; action: string; stage: Generated<string>; at: Timestamp;
}
export interface BreakerStateTable {
  name: string; stage: string | null; value: number | null; limit_value: number | null; tripped_day: string | null; tripped_at: Timestamp | null;
  cleared_at: Timestamp | null; cleared_day: string | null; cleared_by: string | null; cleared_equity: number | null;
}
export interface RiskSettingsTable { key: string; value: number; changed_by: string; changed_at: Timestamp }
export interface PaperOrdersTable { client_order_id: string; result: JSONColumnType<Record<string, unknown>>; at: Generated<Timestamp> }
export interface AlertOutboxTable { id: Generated<number>; dedupe_key: string; type: string; payload: JSONColumnType<Record<string, unknown>>; created_at: Timestamp }
export interface AlertDeliveriesTable {
  id: Generated<number>; outbox_id: number; transport: string; chat_id: string; status: string; attempts: number;
  last_error: string | null; next_attempt_at: Timestamp; delivered_at: Timestamp | null; silent: Generated<boolean>; claimed_at: Timestamp | null;
}
export interface AlertSubscriptionsTable { transport: string; chat_id: string; type: string; mode: string; changed_by: string; changed_at: Timestamp }
export interface JobRunsTable {
  id: Generated<number>; job: string; day: string; trigger: string; started_at: Timestamp; finished_at: Timestamp | null; outcome: Generated<string>; error: string | null;
  worker: string | null;
}
export interface AuditLogTable {
  id: Generated<number>; at: Timestamp; transport: string; user_id: string; chat_id: string; command: string; args: string;
  role: string | null; outcome: string; detail: string;
}

export interface FundamentalsTable {
  symbol: string; as_of: string; source: string; market_cap: number | null; pe: number | null; pb: number | null; ps: number | null;
  eps: number | null; dividend_yield: number | null; ebitda: number | null; roe: number | null; beta: number | null;
  debt_to_equity: number | null; profit_margin: number | null; revenue_growth: number | null; earnings_growth: number | null;
  week52_low: number | null; week52_high: number | null;
}
export interface InstrumentMetricsTable {
  symbol: string; day: string; volatility20: number | null; volatility60: number | null; atr_pct: number | null;
  avg_turnover20: number | null; high52w: number | null; low52w: number | null; pct_from_high52w: number | null; bars: number;
}

export interface Database {
  instruments: InstrumentsTable;
  candles: CandlesTable;
  market_days: MarketDaysTable;
  indicators: IndicatorsTable;
  feature_state: FeatureStateTable;
  backtest_runs: BacktestRunsTable;
  backtest_sweeps: BacktestSweepsTable;
  models: ModelsTable;
  backtest_sweep_tasks: BacktestSweepTasksTable;
  training_runs: TrainingRunsTable;
  training_tasks: TrainingTasksTable;
  pipeline_runs: PipelineRunsTable;
  pipeline_steps: PipelineStepsTable;
  quarantine: QuarantineTable;
  picks: PicksTable;
  screening: ScreeningTable;
  shadow_portfolios: ShadowPortfoliosTable;
  orders: OrdersTable;
  fills: FillsTable;
  positions: PositionsTable;
  closed_trades: ClosedTradesTable;
  account: AccountTable;
  portfolio_snapshots: SnapshotsTable;
  trading_state: TradingStateTable;
  trading_state_history: TradingStateHistoryTable;
  breaker_events: BreakerEventsTable;
  breaker_state: BreakerStateTable;
  risk_settings: RiskSettingsTable;
  paper_orders: PaperOrdersTable;
  alert_outbox: AlertOutboxTable;
  alert_deliveries: AlertDeliveriesTable;
  alert_subscriptions: AlertSubscriptionsTable;
  job_runs: JobRunsTable;
  audit_log: AuditLogTable;
  fundamentals: FundamentalsTable;
  instrument_metrics: InstrumentMetricsTable;
}
