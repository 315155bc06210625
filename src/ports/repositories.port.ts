/** The storage ports, one per file (each implemented in db/repositories), and `Repositories`, all of them
 * together as src/main.ts hands them in. Importing from here or from the port's own file is the same. */
export type * from './instruments.port.js';
export type * from './screening.port.js';
export type * from './candles.port.js';
export type * from './indicators.port.js';
export type * from './backtest-runs.port.js';
export type * from './sweeps.port.js';
export type * from './training-tasks.port.js';
export type * from './model-registry.port.js';
export type * from './pipeline-runs.port.js';
export type * from './picks.port.js';
export type * from './shadows.port.js';
export type * from './trading.port.js';
export type * from './trading-state.port.js';
export type * from './risk-settings.port.js';
export type * from './paper-ledger.port.js';
export type * from './outbox.port.js';
export type * from './subscriptions.port.js';
export type * from './job-runs.port.js';
export type * from './retention.port.js';
export type * from './audit.port.js';
import type { InstrumentRepository } from './instruments.port.js';
import type { ScreeningRepository } from './screening.port.js';
import type { CandleRepository } from './candles.port.js';
import type { IndicatorRepository } from './indicators.port.js';
import type { BacktestRunRepository } from './backtest-runs.port.js';
import type { SweepRepository } from './sweeps.port.js';
import type { TrainingTaskRepository } from './training-tasks.port.js';
import type { ModelRegistry } from './model-registry.port.js';
import type { PipelineRepository } from './pipeline-runs.port.js';
import type { PickRepository } from './picks.port.js';
import type { ShadowRepository } from './shadows.port.js';
import type { TradingRepository } from './trading.port.js';
import type { StateRepository } from './trading-state.port.js';
import type { RiskSettingsRepository } from './risk-settings.port.js';
import type { PaperLedger } from './paper-ledger.port.js';
import type { OutboxRepository } from './outbox.port.js';
import type { SubscriptionRepository } from './subscriptions.port.js';
import type { JobRunRepository } from './job-runs.port.js';
import type { RetentionRepository } from './retention.port.js';
import type { AuditRepository } from './audit.port.js';

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
