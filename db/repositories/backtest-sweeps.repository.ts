/** Distributed sweep tasks in PostgreSQL. */
import type { Kysely, Selectable } from 'kysely';
import type { SweepOutcome, SweepSpec, SweepTask } from '../../src/backtest/sweep.js';
import type { SweepRepository, SweepTaskRecord } from '../../src/ports/repositories.port.js';
import type { BacktestSweepTasksTable, Database } from '../schema.js';

const record = (r: Selectable<BacktestSweepTasksTable>): SweepTaskRecord => ({
  seq: r.seq, task: r.task as unknown as SweepTask, status: r.status as SweepTaskRecord['status'],
  outcome: r.outcome as unknown as SweepOutcome | null, error: r.error, worker: r.worker,
});

export class PgSweepRepository implements SweepRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(runId: string, spec: SweepSpec): Promise<void> {
    await this.db.insertInto('backtest_sweeps').values({ run_id: runId, spec: JSON.stringify(spec) }).onConflict((c) => c.column('run_id').doNothing()).execute();
  }

  async spec(runId: string): Promise<SweepSpec | null> {
    const r = await this.db.selectFrom('backtest_sweeps').select('spec').where('run_id', '=', runId).executeTakeFirst();
    return r ? (r.spec as unknown as SweepSpec) : null;
  }

  async enqueue(runId: string, tasks: Array<{ seq: number; task: SweepTask }>): Promise<void> {
    if (tasks.length === 0) return;
    await this.db.insertInto('backtest_sweep_tasks')
      .values(tasks.map((t) => ({ run_id: runId, seq: t.seq, task: JSON.stringify(t.task), status: 'queued' })))
      .onConflict((c) => c.columns(['run_id', 'seq']).doNothing()).execute();
  }

  async task(runId: string, seq: number): Promise<SweepTaskRecord | null> {
    const r = await this.db.selectFrom('backtest_sweep_tasks').selectAll().where('run_id', '=', runId).where('seq', '=', seq).executeTakeFirst();
    return r ? record(r) : null;
  }

  async start(runId: string, seq: number, worker: string): Promise<void> {
    await this.db.updateTable('backtest_sweep_tasks').set({ status: 'running', worker, started_at: new Date() })
      .where('run_id', '=', runId).where('seq', '=', seq).where('status', 'in', ['queued', 'running']).execute();
  }

  async finish(runId: string, seq: number, worker: string, result: { outcome: SweepOutcome } | { error: string }): Promise<void> {
    await this.db.updateTable('backtest_sweep_tasks').set('outcome' in result
      ? { status: 'done', outcome: JSON.stringify(result.outcome), error: null, worker, finished_at: new Date() }
      : { status: 'failed', error: result.error, worker, finished_at: new Date() })
      .where('run_id', '=', runId).where('seq', '=', seq).execute();
  }

  async tasks(runId: string, seqs: readonly number[]): Promise<SweepTaskRecord[]> {
    if (seqs.length === 0) return [];
    const rows = await this.db.selectFrom('backtest_sweep_tasks').selectAll().where('run_id', '=', runId).where('seq', 'in', [...seqs]).orderBy('seq').execute();
    return rows.map(record);
  }
}
