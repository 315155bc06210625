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
  /** Remove the records older than their cutoffs; returns what was removed (and the report folders to delete). */
  prune(cutoffs: RetentionCutoffs): Promise<PruneResult>;
}
