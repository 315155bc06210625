import type { SweepOutcome, SweepSpec, SweepTask } from '../backtest/sweep.js';

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

/** The tasks of distributed sweeps (walk-forward windows and grid points) and their outcomes. */
export interface SweepRepository {
  /** Record a run's spec (once; a second call for the same run is ignored). */
  create(runId: string, spec: SweepSpec): Promise<void>;
  /** The spec of a walk-forward run, or null when unknown. */
  spec(runId: string): Promise<SweepSpec | null>;
  /** Store tasks as queued (a seq already stored is left as it is). */
  enqueue(runId: string, tasks: Array<{ seq: number; task: SweepTask }>): Promise<void>;
  /** One task of a run, or null when unknown. */
  task(runId: string, seq: number): Promise<SweepTaskRecord | null>;
  /** Mark a task running on `worker`. */
  start(runId: string, seq: number, worker: string): Promise<void>;
  /** Record a task's outcome or error, and the worker that ran it. */
  finish(runId: string, seq: number, worker: string, result: { outcome: SweepOutcome } | { error: string }): Promise<void>;
  /** The given tasks of a run, by seq. */
  tasks(runId: string, seqs: readonly number[]): Promise<SweepTaskRecord[]>;
}
