import type { TradingDay } from '../domain/types.js';

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
  /** Record a run as started (status `running`). */
  start(r: Omit<BacktestRunRecord, 'finishedAt' | 'status' | 'metrics' | 'dir' | 'error'>): Promise<void>;
  /** Record how a run ended: its metrics and report folder, or its error. */
  finish(id: string, at: Date, outcome: { metrics: Record<string, number | null>; dir: string } | { error: string }): Promise<void>;
  /** The latest runs, newest first. */
  recent(limit: number): Promise<BacktestRunRecord[]>;
  /** One run by its id, or null. */
  get(id: string): Promise<BacktestRunRecord | null>;
}
