import type { Kysely } from 'kysely';
import type { TradingDay } from '../../src/domain/types.js';
import type { PipelineRepository, QuarantinedRow, StepStatus } from '../../src/ports/repositories.port.js';
import type { Database } from '../schema.js';
import { chunks } from './market.repository.js';

export class PgPipelineRepository implements PipelineRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async startRun(asOf: TradingDay, trigger: string): Promise<number> {
    const r = await this.db.insertInto('pipeline_runs').values({ as_of: asOf, trigger, status: 'running' }).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async startStep(runId: number, step: string, attempt: number): Promise<number> {
    const r = await this.db.insertInto('pipeline_steps').values({ run_id: runId, step, attempt, status: 'running', rows: 0 }).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async finishStep(stepId: number, status: 'succeeded' | 'failed', rows: number, error?: string): Promise<void> {
    await this.db.updateTable('pipeline_steps').set({ status, rows, error: error ?? null, finished_at: new Date() }).where('id', '=', stepId).execute();
  }

  async finishRun(runId: number, status: 'succeeded' | 'failed', error?: string): Promise<void> {
    await this.db.updateTable('pipeline_runs').set({ status, error: error ?? null, finished_at: new Date() }).where('id', '=', runId).execute();
  }

  async quarantine(rows: QuarantinedRow[]): Promise<number> {
    let n = 0;
    for (const part of chunks(rows)) {
      const res = await this.db.insertInto('quarantine')
        .values(part.map((r) => ({ run_id: r.runId, symbol: r.symbol, day: r.day, reason: r.reason, raw: JSON.stringify(r.raw) })))
        .onConflict((oc) => oc.columns(['symbol', 'day', 'reason']).doNothing())
        .executeTakeFirst();
      n += Number(res.numInsertedOrUpdatedRows ?? 0);
    }
    return n;
  }

  async lastRuns(limit: number) {
    const runs = await this.db.selectFrom('pipeline_runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
    if (runs.length === 0) return [];
    const steps = await this.db.selectFrom('pipeline_steps').selectAll().where('run_id', 'in', runs.map((r) => r.id)).orderBy('id').execute();
    return runs.map((r) => ({
      id: r.id, asOf: r.as_of, status: r.status as StepStatus, startedAt: r.started_at,
      steps: steps.filter((s) => s.run_id === r.id).map((s) => ({ step: s.step, status: s.status as StepStatus, rows: s.rows, attempt: s.attempt })),
    }));
  }
}
