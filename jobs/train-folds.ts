/** Walk-forward training shared by workers: each (family, fold) of a `tiller train --distribute` run (or
 * the `train` job with `models.distribute`) is one Agenda job carrying only (run id, seq); the run's spec
 * and each fold's scores live in PostgreSQL (training_tasks). Every `tiller worker` and `tiller start`
 * takes them, and so does the process that queued them. A worker cuts its market matrix at the run's last
 * day, so it builds the coordinator's panel exactly; a task is pure, so a rerun gives the same scores. */
import type { Logger } from '../src/logger.js';
import type { TrainingTaskRepository } from '../src/ports/repositories.port.js';
import { matrixThrough, runFoldTask, type TrainFoldSpec } from '../src/training/fold-tasks.js';
import { buildPanel, type Panel } from '../models/panel.js';
import type { SweepWorker } from './backtest-sweep.js';

/** How long a built panel stays in memory after the last task that used it. */
const PANEL_IDLE_MS = 10 * 60_000;

export class TrainFoldWorker {
  private panel: { key: string; panel: Panel } | null = null;
  private idle: NodeJS.Timeout | null = null;
  private readonly specs = new Map<string, TrainFoldSpec>();

  constructor(private readonly d: { repo: TrainingTaskRepository; matrices: Pick<SweepWorker, 'matrix' | 'name'>; log: Logger }) {}

  /** Run one queued task and store its scores (or its error). A task already done is not run again. */
  async runTask(runId: string, seq: number): Promise<void> {
    const name = this.d.matrices.name;
    try {
      const rec = await this.d.repo.task(runId, seq);
      if (!rec || rec.status === 'done' || rec.status === 'failed') return;
      const spec = await this.specOf(runId);
      await this.d.repo.start(runId, seq, name);
      const outcome = await runFoldTask(await this.panelOf(spec), spec, { family: rec.family, fold: rec.fold });
      await this.d.repo.finish(runId, seq, name, outcome);
      this.d.log.info({ runId, family: rec.family, fold: rec.fold + 1, seconds: Math.round(outcome.seconds) }, 'training fold done');
    } catch (err) {
      // Recorded on the task, so the waiting process stops with the reason (Agenda does not retry).
      const error = err instanceof Error ? err.message : String(err);
      this.d.log.warn({ runId, seq, err: error }, 'training task failed');
      await this.d.repo.finish(runId, seq, name, { error }).catch(() => undefined);
    }
  }

  private async specOf(runId: string): Promise<TrainFoldSpec> {
    let spec = this.specs.get(runId);
    if (!spec) {
      spec = (await this.d.repo.spec(runId)) ?? undefined;
      if (!spec) throw new Error(`training run ${runId} has no spec`);
      if (this.specs.size > 20) this.specs.clear();
      this.specs.set(runId, spec);
    }
    return spec;
  }

  /** The run's panel: the matrix cut at the run's last day, built once per (universe, day, horizon). */
  private async panelOf(spec: TrainFoldSpec): Promise<Panel> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.release(), PANEL_IDLE_MS);
    this.idle.unref();
    const key = `${(spec.symbols ?? ['*']).join(',')}|${spec.dataThrough}|${spec.models.horizon}`;
    if (this.panel?.key === key) return this.panel.panel;
    this.panel = null;
    const m = matrixThrough(await this.d.matrices.matrix(spec.symbols, spec.dataThrough), spec.dataThrough);
    const panel = buildPanel(m, spec.models.horizon);
    this.panel = { key, panel };
    return panel;
  }

  /** Drop the panel held in memory. */
  release(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    this.panel = null;
  }
}
