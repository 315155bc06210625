import type { FoldOutcome, FoldTask, TrainFoldSpec } from '../training/fold-tasks.js';

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
  /** The spec of a training run, or null when unknown. */
  spec(runId: string): Promise<TrainFoldSpec | null>;
  /** Store tasks as queued (a seq already stored is left as it is). */
  enqueue(runId: string, tasks: Array<{ seq: number } & FoldTask>): Promise<void>;
  /** One (family, fold) task of a run, or null when unknown. */
  task(runId: string, seq: number): Promise<TrainingTaskRecord | null>;
  /** Mark a task running on `worker`. */
  start(runId: string, seq: number, worker: string): Promise<void>;
  /** Record a task's outcome or error, and the worker that ran it. */
  finish(runId: string, seq: number, worker: string, result: FoldOutcome | { error: string }): Promise<void>;
  /** The given tasks of a run, by seq; scores only with `withScores`. */
  tasks(runId: string, seqs: readonly number[], withScores: boolean): Promise<TrainingTaskRecord[]>;
  /** Drop a finished run's scores (about 0.5 MB a task for 505 symbols); the task records stay. */
  dropScores(runId: string): Promise<void>;
}
