/** Distributed sweeps on Agenda: each task of a walk-forward run (a grid point on a training span, or a
 * window's test span) is one Agenda job carrying only (run id, seq); the task, the run's spec and the
 * outcome live in PostgreSQL (backtest_sweep_tasks). Every `tiller worker` and `tiller start` process
 * takes these jobs, and so does the process that queued them, so one process alone still finishes. Each
 * process loads the market matrix once per universe and keeps it while sweeps keep coming. A task whose
 * worker dies is taken again by another when its Agenda lock expires; tasks are pure, so a rerun gives
 * the same outcome. */
import { Agenda, type Job } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type pg from 'pg';
import { BacktestService } from '../src/backtest/backtest.service.js';
import type { MarketMatrix } from '../src/backtest/market-matrix.js';
import { runSweepTask, volatilityOfSpec, type SweepContext, type SweepOutcome, type SweepRunner, type SweepSpec, type SweepTask } from '../src/backtest/sweep.js';
import type { AppConfig } from '../src/config.js';
import { MarketCalendar } from '../src/market/calendar.js';
import type { Logger } from '../src/logger.js';
import type { Repositories, SweepRepository, TrainingTaskRepository } from '../src/ports/repositories.port.js';
import type { FoldRunner } from '../models/walk-forward-eval.js';
import type { TrainFoldWorker } from './train-folds.js';

export const SWEEP_JOB = 'backtest-sweep-task';
export const TRAIN_FOLD_JOB = 'train-fold-task';

interface SweepJobData {
  runId: string;
  seq: number;
}

/** How long a loaded matrix stays in memory after the last task that used it. */
const MATRIX_IDLE_MS = 10 * 60_000;

/** Runs queued tasks in this process. */
export class SweepWorker {
  private cached: { key: string; matrix: Promise<MarketMatrix> } | null = null;
  private idle: NodeJS.Timeout | null = null;
  private readonly specs = new Map<string, SweepSpec>();

  constructor(
    private readonly d: {
      repos: Pick<Repositories, 'candles' | 'instruments' | 'sweeps'>;
      config: AppConfig;
      log: Logger;
    },
    /** This process's name in the task records. */
    readonly name: string,
  ) {}

  /** Hand over a matrix this process already has (the queuing process's own). */
  prime(symbols: string[] | null, matrix: MarketMatrix): void {
    this.cached = { key: keyOf(symbols), matrix: Promise.resolve(matrix) };
  }

  /** Run one queued task and store its outcome (or its error). A task already done is not run again. */
  async runTask(runId: string, seq: number): Promise<void> {
    try {
      const rec = await this.d.repos.sweeps.task(runId, seq);
      if (!rec || rec.status === 'done' || rec.status === 'failed') return;
      const spec = await this.specOf(runId);
      await this.d.repos.sweeps.start(runId, seq, this.name);
      const outcome = await this.outcome(spec, rec.task);
      await this.d.repos.sweeps.finish(runId, seq, this.name, { outcome });
    } catch (err) {
      // Any failure is recorded on the task, so the process waiting for it stops with the reason instead of
      // waiting for a task no one will finish (Agenda does not retry a failed job).
      const error = err instanceof Error ? err.message : String(err);
      this.d.log.warn({ runId, seq, err: error }, 'sweep task failed');
      await this.d.repos.sweeps.finish(runId, seq, this.name, { error }).catch(() => undefined);
    }
  }

  private async specOf(runId: string): Promise<SweepSpec> {
    let spec = this.specs.get(runId);
    if (!spec) {
      spec = (await this.d.repos.sweeps.spec(runId)) ?? undefined;
      if (!spec) throw new Error(`sweep ${runId} has no spec`);
      if (this.specs.size > 20) this.specs.clear();
      this.specs.set(runId, spec);
    }
    return spec;
  }

  private async outcome(spec: SweepSpec, task: SweepTask): Promise<SweepOutcome> {
    const config: AppConfig = { ...this.d.config, ...spec.config };
    const calendar = new MarketCalendar(config.market);
    const service = (c: AppConfig) => new BacktestService(this.d.repos, c, calendar);
    const ctx: SweepContext = {
      matrix: await this.matrixFor(spec, service(config)), config, limits: spec.limits, service,
      volatilityBefore: volatilityOfSpec(spec), volatilityLabel: spec.volatility?.label,
    };
    return runSweepTask(ctx, task);
  }

  private async matrixFor(spec: SweepSpec, service: BacktestService): Promise<MarketMatrix> {
    return this.matrix(spec.symbols, spec.dataThrough, service);
  }

  /** The market matrix of a universe reaching at least `dataThrough`, loaded once and kept while used (the
   * training tasks share it). */
  async matrix(symbols: string[] | null, dataThrough: string, service = new BacktestService(this.d.repos, this.d.config, new MarketCalendar(this.d.config.market))): Promise<MarketMatrix> {
    const key = keyOf(symbols);
    if (this.cached?.key === key) {
      const m = await this.cached.matrix;
      if ((m.days.at(-1) ?? '') >= dataThrough) return this.keep(m);
    }
    this.cached = null; // free the old matrix before loading a new one
    const matrix = service.load(symbols ?? undefined);
    this.cached = { key, matrix };
    matrix.catch(() => {
      if (this.cached?.matrix === matrix) this.cached = null;
    });
    this.d.log.info({ worker: this.name, symbols: symbols?.length ?? 'all' }, 'sweep worker loading the market matrix');
    return this.keep(await matrix);
  }

  private keep(m: MarketMatrix): MarketMatrix {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => (this.cached = null), MATRIX_IDLE_MS);
    this.idle.unref();
    return m;
  }

  /** Drop what is held in memory. */
  release(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    this.cached = null;
  }
}

const keyOf = (symbols: string[] | null): string => (symbols ? [...symbols].sort().join(',') : '*');

/** The Agenda queue of sweep tasks. One per process; it takes tasks when a worker is given. */
export class SweepQueue {
  private readonly agenda: Agenda;
  private readonly training: TrainFoldWorker | undefined;

  constructor(pool: pg.Pool, private readonly worker: SweepWorker, opts: { processEveryMs?: number; lockLifetimeMs?: number; log: Logger; training?: TrainFoldWorker }) {
    const backend = new PostgresBackend({ pool, ensureSchema: false });
    backend.notificationChannel?.on('error', (err: unknown) => opts.log.warn({ err }, 'sweep queue notification channel error'));
    this.agenda = new Agenda({ backend, name: worker.name, processEvery: opts.processEveryMs ?? 200, maxConcurrency: 1 });
    // One task at a time per process: a task is CPU-bound, and the process's other work must still run.
    // Agenda takes the next job at its next poll, so the poll is short (200 ms, one small query). A task
    // must end within the lock lifetime (2 min; a 505-symbol matrix loads in about 8 s, a task takes 1 s).
    this.agenda.define(SWEEP_JOB, async (job: Job<SweepJobData>) => {
      await this.worker.runTask(job.attrs.data.runId, job.attrs.data.seq);
    }, { concurrency: 1, lockLimit: 1, lockLifetime: opts.lockLifetimeMs ?? 2 * 60_000, removeOnComplete: true });
    // Training folds: a fold of a network takes up to a minute, so the lock lasts longer.
    const training = opts.training;
    this.training = training;
    if (training) {
      this.agenda.define(TRAIN_FOLD_JOB, async (job: Job<SweepJobData>) => {
        await training.runTask(job.attrs.data.runId, job.attrs.data.seq);
      }, { concurrency: 1, lockLimit: 1, lockLifetime: opts.lockLifetimeMs ?? 10 * 60_000, removeOnComplete: true });
    }
  }

  /** A fold runner that queues a training run's (family, fold) tasks and waits for their scores. */
  trainingRunner(runId: string, repo: TrainingTaskRepository, onDone?: (done: number, total: number) => void, pollMs = 500): FoldRunner & { readonly where: string } {
    const agenda = this.agenda;
    const byWorker = new Map<string, number>();
    return {
      get where() {
        return [...byWorker].map(([w, n]) => `${w} ran ${n}`).join(', ') || 'nothing yet';
      },
      async run(tasks) {
        const seqs = tasks.map((_, i) => i);
        await repo.enqueue(runId, tasks.map((t, i) => ({ seq: i, ...t })));
        for (const seq of seqs) await agenda.now<SweepJobData>(TRAIN_FOLD_JOB, { runId, seq });
        let reported = -1;
        for (;;) {
          const rows = await repo.tasks(runId, seqs, false);
          const failed = rows.find((r) => r.status === 'failed');
          if (failed) throw new Error(`training task ${failed.family} fold ${failed.fold + 1} failed on ${failed.worker ?? '?'}: ${failed.error ?? 'unknown error'}`);
          const done = rows.filter((r) => r.status === 'done').length;
          if (done !== reported) onDone?.((reported = done), seqs.length);
          if (done === seqs.length) {
            for (const r of rows) byWorker.set(r.worker ?? '?', (byWorker.get(r.worker ?? '?') ?? 0) + 1);
            const outcomes = (await repo.tasks(runId, seqs, true)).map((r) => ({ scores: r.scores!, seconds: r.seconds ?? 0 }));
            await repo.dropScores(runId);
            return outcomes;
          }
          await new Promise((r) => setTimeout(r, pollMs));
        }
      },
    };
  }

  async start(): Promise<void> {
    await this.agenda.start();
  }

  async stop(): Promise<void> {
    await this.agenda.stop(true);
    this.worker.release();
    this.training?.release();
  }

  /** A runner that queues tasks of run `runId` and waits for their outcomes. */
  runner(runId: string, repo: SweepRepository, pollMs = 200): SweepRunner {
    let nextSeq = 0;
    const agenda = this.agenda;
    const byWorker = new Map<string, number>();
    return {
      get where() {
        return `Agenda queue: ${[...byWorker].map(([w, n]) => `${w} ran ${n}`).join(', ') || 'nothing yet'}`;
      },
      async run(tasks: readonly SweepTask[], onDone?: () => void): Promise<SweepOutcome[]> {
        const seqs = tasks.map((_, i) => nextSeq + i);
        nextSeq += tasks.length;
        await repo.enqueue(runId, tasks.map((task, i) => ({ seq: seqs[i]!, task })));
        for (const seq of seqs) await agenda.now<SweepJobData>(SWEEP_JOB, { runId, seq });
        let seen = 0;
        for (;;) {
          const rows = await repo.tasks(runId, seqs);
          const failed = rows.find((r) => r.status === 'failed');
          if (failed) throw new Error(`sweep task ${failed.seq} (${failed.task.from}..${failed.task.to}) failed on ${failed.worker ?? '?'}: ${failed.error ?? 'unknown error'}`);
          const done = rows.filter((r) => r.status === 'done');
          for (; seen < done.length; seen++) onDone?.();
          if (done.length === seqs.length) {
            for (const r of rows) byWorker.set(r.worker ?? '?', (byWorker.get(r.worker ?? '?') ?? 0) + 1);
            return rows.map((r) => r.outcome!);
          }
          await new Promise((r) => setTimeout(r, pollMs));
        }
      },
    };
  }
}
