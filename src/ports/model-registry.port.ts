import type { TradingDay } from '../domain/types.js';

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
  /** The version number the next model of `kind` gets. */
  nextVersion(kind: string): Promise<number>;
  /** Store a new model version (candidate until promoted). */
  add(r: Omit<ModelRecord, 'id' | 'createdAt' | 'status' | 'reason'>): Promise<ModelRecord>;
  /** Make `id` the active model of its kind (the active one before it is retired), in one transaction. */
  promote(id: number, reason: string): Promise<void>;
  /** Mark `id` rejected; with `retireActive`, the kind's active one is retired in the same transaction (a
   * rule has no artefact to keep: its latest evaluation is its standing). */
  reject(id: number, reason: string, retireActive?: boolean): Promise<void>;
  /** The active (promoted) model of `kind`, or null when none is. */
  active(kind: string): Promise<ModelRecord | null>;
  /** Every model of a kind (or all), newest first. */
  list(kind?: string): Promise<ModelRecord[]>;
  /** For each of `kinds`, its newest model and its active one (one query; what /status and the picks need). */
  heads(kinds: readonly string[]): Promise<Map<string, { latest: ModelRecord; active: ModelRecord | null }>>;
}
