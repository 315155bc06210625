/** Backtest runs in PostgreSQL. */
import type { Kysely, Selectable } from 'kysely';
import type { BacktestRunRecord, BacktestRunRepository } from '../../src/ports/repositories.port.js';
import type { Database } from '../schema.js';

export class PgBacktestRunRepository implements BacktestRunRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async start(r: Omit<BacktestRunRecord, 'finishedAt' | 'status' | 'metrics' | 'dir' | 'error'>): Promise<void> {
    await this.db.insertInto('backtest_runs').values({
      id: r.id, requested_by: r.requestedBy, started_at: r.startedAt, status: 'running', from_day: r.from, to_day: r.to, strategy: r.strategy, profile: r.profile,
    }).execute();
  }

  async finish(id: string, at: Date, outcome: { metrics: Record<string, number | null>; dir: string } | { error: string }): Promise<void> {
    await this.db.updateTable('backtest_runs').set('error' in outcome
      ? { finished_at: at, status: 'failed', error: outcome.error }
      : { finished_at: at, status: 'succeeded', metrics: JSON.stringify(outcome.metrics), dir: outcome.dir }).where('id', '=', id).execute();
  }

  async recent(limit: number): Promise<BacktestRunRecord[]> {
    const rows = await this.db.selectFrom('backtest_runs').selectAll().orderBy('started_at', 'desc').limit(limit).execute();
    return rows.map(toRecord);
  }

  async get(id: string): Promise<BacktestRunRecord | null> {
    const row = await this.db.selectFrom('backtest_runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }
}

function toRecord(r: Selectable<Database['backtest_runs']>): BacktestRunRecord {
  return {
    id: r.id, requestedBy: r.requested_by, startedAt: r.started_at, finishedAt: r.finished_at, status: r.status as BacktestRunRecord['status'],
    from: r.from_day, to: r.to_day, strategy: r.strategy, profile: r.profile, metrics: r.metrics, dir: r.dir, error: r.error,
  };
}
