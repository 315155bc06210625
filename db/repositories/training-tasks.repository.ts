/** Distributed training tasks in PostgreSQL: a run's spec, its (family, fold) tasks and their scores. */
import type { Kysely } from 'kysely';
import type { TrainingTaskRecord, TrainingTaskRepository } from '../../src/ports/repositories.port.js';
import type { FoldOutcome, FoldTask, TrainFoldSpec } from '../../src/training/fold-tasks.js';
import type { Database } from '../schema.js';

export class PgTrainingTaskRepository implements TrainingTaskRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(runId: string, spec: TrainFoldSpec): Promise<void> {
    await this.db.insertInto('training_runs').values({ run_id: runId, spec: JSON.stringify(spec) }).onConflict((c) => c.column('run_id').doNothing()).execute();
  }

  async spec(runId: string): Promise<TrainFoldSpec | null> {
    const r = await this.db.selectFrom('training_runs').select('spec').where('run_id', '=', runId).executeTakeFirst();
    return r ? (r.spec as unknown as TrainFoldSpec) : null;
  }

  async enqueue(runId: string, tasks: Array<{ seq: number } & FoldTask>): Promise<void> {
    if (tasks.length === 0) return;
    await this.db.insertInto('training_tasks')
      .values(tasks.map((t) => ({ run_id: runId, seq: t.seq, family: t.family, fold: t.fold, status: 'queued' })))
      .onConflict((c) => c.columns(['run_id', 'seq']).doNothing()).execute();
  }

  async task(runId: string, seq: number): Promise<TrainingTaskRecord | null> {
    const r = await this.db.selectFrom('training_tasks').select(COLUMNS).where('run_id', '=', runId).where('seq', '=', seq).executeTakeFirst();
    return r ? record({ ...r, scores: null }) : null;
  }

  async start(runId: string, seq: number, worker: string): Promise<void> {
    await this.db.updateTable('training_tasks').set({ status: 'running', worker, started_at: new Date() })
      .where('run_id', '=', runId).where('seq', '=', seq).where('status', 'in', ['queued', 'running']).execute();
  }

  async finish(runId: string, seq: number, worker: string, result: FoldOutcome | { error: string }): Promise<void> {
    await this.db.updateTable('training_tasks').set('scores' in result
      ? { status: 'done', scores: Buffer.from(result.scores.buffer, result.scores.byteOffset, result.scores.byteLength), seconds: result.seconds, error: null, worker, finished_at: new Date() }
      : { status: 'failed', error: result.error, worker, finished_at: new Date() })
      .where('run_id', '=', runId).where('seq', '=', seq).execute();
  }

  async tasks(runId: string, seqs: readonly number[], withScores: boolean): Promise<TrainingTaskRecord[]> {
    if (seqs.length === 0) return [];
    const q = this.db.selectFrom('training_tasks').where('run_id', '=', runId).where('seq', 'in', [...seqs]).orderBy('seq');
    if (withScores) return (await q.select([...COLUMNS, 'scores']).execute()).map(record);
    return (await q.select(COLUMNS).execute()).map((r) => record({ ...r, scores: null }));
  }

  async dropScores(runId: string): Promise<void> {
    await this.db.updateTable('training_tasks').set({ scores: null }).where('run_id', '=', runId).execute();
  }
}

const COLUMNS = ['seq', 'family', 'fold', 'status', 'seconds', 'error', 'worker'] as const;

function record(r: { seq: number; family: string; fold: number; status: string; seconds: number | null; error: string | null; worker: string | null; scores: Buffer | null }): TrainingTaskRecord {
  // A copy into a fresh, aligned buffer: a Buffer from pg may start at any byte offset.
  const scores = r.scores ? new Float64Array(Uint8Array.from(r.scores).buffer) : null;
  return { seq: r.seq, family: r.family, fold: r.fold, status: r.status as TrainingTaskRecord['status'], scores, seconds: r.seconds, error: r.error, worker: r.worker };
}
