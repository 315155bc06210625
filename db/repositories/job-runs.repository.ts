/** The record of every job run, for /jobs. */
import { sql, type Kysely } from 'kysely';
import type { JobRunInfo, JobRunRepository } from '../../src/ports/repositories.port.js';
import type { Database } from '../schema.js';

export class PgJobRunRepository implements JobRunRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async start(job: string, day: string, trigger: string, at: Date, worker: string): Promise<number> {
    const row = await this.db.insertInto('job_runs').values({ job, day, trigger, started_at: at, worker }).returning('id').executeTakeFirstOrThrow();
    return row.id;
  }

  async finish(id: number, outcome: 'success' | 'failure', error: string | null, at: Date): Promise<void> {
    await this.db.updateTable('job_runs').set({ outcome, error: error?.slice(0, 500) ?? null, finished_at: at }).where('id', '=', id).execute();
  }

  async lastSuccesses(): Promise<Map<string, Date>> {
    const rows = await this.db.selectFrom('job_runs').select(['job', (eb) => eb.fn.max('finished_at').as('at')])
      .where('outcome', '=', 'success').groupBy('job').execute();
    return new Map(rows.filter((r) => r.at !== null).map((r) => [r.job, new Date(r.at as unknown as string | Date)]));
  }

  async outcomeOf(job: string, day: string, trigger: string): Promise<{ outcome: 'running' | 'success' | 'failure'; error: string | null } | null> {
    const row = await this.db.selectFrom('job_runs').select(['outcome', 'error'])
      .where('job', '=', job).where('day', '=', day).where('trigger', '=', trigger)
      .orderBy(sql`outcome <> 'running'`, 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    return row ? { outcome: row.outcome as 'running' | 'success' | 'failure', error: row.error } : null;
  }

  async latest(): Promise<JobRunInfo[]> {
    const rows = await sql<{ job: string; day: string; trigger: string; started_at: Date; finished_at: Date | null; outcome: string; error: string | null; worker: string | null }>`
      select distinct on (job) job, to_char(day, 'YYYY-MM-DD') as day, trigger, started_at, finished_at, outcome, error, worker
      from job_runs order by job, id desc`.execute(this.db);
    return rows.rows.map((r) => ({
      job: r.job, day: r.day, trigger: r.trigger, startedAt: r.started_at, finishedAt: r.finished_at, outcome: r.outcome as JobRunInfo['outcome'], error: r.error, worker: r.worker,
    }));
  }
}
