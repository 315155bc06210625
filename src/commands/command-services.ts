import type { AppConfig } from '../config.js';
import type { CurvePoint, TradingDay } from '../domain/types.js';
import type { Clock } from '../ports/clock.port.js';
import type { BacktestRunRecord, Repositories } from '../ports/repositories.port.js';
import type { BacktestMetrics } from '../backtest/metrics.js';
import type { CircuitBreakers } from '../trading/breakers/circuit-breakers.js';
import type { HaltService } from '../trading/halt.service.js';
import type { RiskLimitsService } from '../trading/risk-limits.js';
import type { Portfolio } from '../trading/portfolio.js';
import type { TradingStateService } from '../trading/trading-state.service.js';

/** The daily jobs as commands see them. */
export interface JobControl {
  readonly names: readonly string[];
  /** Cron entry of each job, in the market's time zone. */
  readonly schedule: Readonly<Record<string, string>>;
  /** Queue a job now for today's trading day (Agenda: a started scheduler runs it); resolves once queued. */
  trigger(name: string, by: string): Promise<{ day: TradingDay }>;
}

/** A finished backtest as the chat shows it. */
export interface BacktestDone {
  id: string;
  from: TradingDay;
  to: TradingDay;
  strategy: string;
  profile: string;
  symbols: number;
  days: number;
  notes: string[];
  metrics: BacktestMetrics;
  /** End-of-day equity with the equal-weight universe on the same scale, for the chart. */
  curve: CurvePoint[];
  startingCash: number;
  dir: string;
}

/** Backtests as commands see them. */
export interface BacktestControl {
  readonly strategies: readonly string[];
  /** First and last day of the stored candles, or null when there are none. */
  dataRange(): Promise<{ first: TradingDay; last: TradingDay } | null>;
  /** Run one over stored data (throws UserError for bad options). */
  run(opts: { from: TradingDay; to: TradingDay; strategy: string; profile: string }, by: string): Promise<BacktestDone>;
  recent(limit: number): Promise<BacktestRunRecord[]>;
  /** One run by id, or null. */
  get(id: string): Promise<BacktestRunRecord | null>;
}

/** What commands may use; built once in src/main.ts. */
export interface CommandServices {
  config: Pick<AppConfig, 'market' | 'trading' | 'picks' | 'models'>;
  repos: Repositories;
  clock: Clock;
  portfolio: Portfolio;
  state: TradingStateService;
  halt: HaltService;
  breakers: CircuitBreakers;
  limits: RiskLimitsService;
  jobs: JobControl;
  backtests: BacktestControl;
  /** The chats configured to receive alerts. */
  alertChats: () => ReadonlyArray<{ transport: string; chatId: string }>;
}
