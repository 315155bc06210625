import type { DerivedMetrics, Fundamentals, RawCandle, TradingDay } from '../domain/types.js';

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

/** How a pipeline step attempt stands. */
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
  /** Record a new run for `asOf`; returns its id. */
  startRun(asOf: TradingDay, trigger: string): Promise<number>;
  /** The latest run for `asOf` if it failed or was cut off (still marked running; call it under the run
   * lock, where no live run can be), to be resumed; else null. */
  unfinishedRunFor(asOf: TradingDay): Promise<PipelineRunInfo | null>;
  /** Mark a failed run as running again; counts the resumption. */
  resumeRun(runId: number): Promise<void>;
  /** Record an attempt of a step of a run; returns its id. */
  startStep(runId: number, step: string, attempt: number): Promise<number>;
  /** Record how a step attempt ended, with the rows it wrote. */
  finishStep(stepId: number, status: Exclude<StepStatus, 'running'>, rows: number, error?: string): Promise<void>;
  /** Record how a run ended; `error` says why it failed, or which symbols a partial run could not store. */
  finishRun(runId: number, status: Exclude<RunStatus, 'running'>, error?: string): Promise<void>;
  /** Store rows the pipeline rejected or flagged, with their reasons; returns how many were new. */
  quarantine(rows: QuarantinedRow[]): Promise<number>;
  /** Like quarantine, but a note already kept for the same symbol, reason and kind (on any day) is not added
   * again: for standing facts such as a provider's corrected fundamentals, seen on every run. */
  quarantineOnce(rows: QuarantinedRow[]): Promise<number>;
  /** How many rows a run quarantined, by kind. */
  quarantineCounts(runId: number): Promise<{ rejected: number; flagged: number }>;
  /** The latest `limit` runs with their steps, newest first. */
  lastRuns(limit: number): Promise<PipelineRunInfo[]>;
  /** Store the run's fundamentals where they changed: a symbol whose values equal its latest stored row from
   * the same source gets no new row (as_of is the first day values were seen). Returns the rows written. */
  upsertFundamentals(asOf: TradingDay, source: string, rows: Fundamentals[]): Promise<number>;
  /** Store derived metrics (idempotent by symbol and day). */
  upsertMetrics(rows: DerivedMetrics[]): Promise<number>;
  /** The last day with derived metrics per symbol. */
  metricsDays(): Promise<Map<string, TradingDay>>;
}
