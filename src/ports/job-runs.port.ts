import type { TradingDay } from '../domain/types.js';

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

/** Every job run is recorded: when, why (schedule, manual, chat), how it ended. */
export interface JobRunRepository {
  /** When each job last finished successfully, in any process. */
  lastSuccesses(): Promise<Map<string, Date>>;
  /** A run starting in `worker` (host:pid); its id, for {@link finish}. */
  start(job: string, day: TradingDay, trigger: string, at: Date, worker: string): Promise<number>;
  /** Record how the run `id` ended, with its error when it failed. */
  finish(id: number, outcome: 'success' | 'failure', error: string | null, at: Date): Promise<void>;
  /** The latest run of each job that has run. */
  latest(): Promise<JobRunInfo[]>;
  /** How the run of `job` for `day` asked by `trigger` went: its finished outcome when one has finished (a
   * worker killed mid-run leaves a `running` record behind, and the worker that takes over records another),
   * else `running` when one has started, else null. */
  outcomeOf(job: string, day: TradingDay, trigger: string): Promise<{ outcome: 'running' | 'success' | 'failure'; error: string | null } | null>;
}
