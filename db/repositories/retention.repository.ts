import { sql, type Kysely } from 'kysely';
import type { PruneResult, RetentionCutoffs, RetentionRepository } from '../../src/ports/repositories.port.js';
import type { Database } from '../schema.js';

export class PgRetentionRepository implements RetentionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async prune(c: RetentionCutoffs): Promise<PruneResult> {
    return this.db.transaction().execute(async (tx) => {
      const jobRuns = await tx.deleteFrom('job_runs').where('started_at', '<', c.jobRuns).executeTakeFirst();
      // Settled deliveries only (never one still pending); then the alerts left with no delivery. An alert's
      // dedupe key goes with it: the keys name their day, so a fact this old is not raised again.
      const deliveries = await tx.deleteFrom('alert_deliveries').where('status', 'in', ['delivered', 'failed'])
        .where((eb) => eb(eb.fn.coalesce('delivered_at', 'next_attempt_at'), '<', c.alerts)).executeTakeFirst();
      const alerts = await tx.deleteFrom('alert_outbox').where('created_at', '<', c.alerts)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('alert_deliveries').select('id').whereRef('alert_deliveries.outbox_id', '=', 'alert_outbox.id'))))
        .executeTakeFirst();
      // Runs queued for now (chat /run, the API, shared tasks) stay in Agenda's table after they finish; the
      // repeating schedule entries are never touched.
      const queued = await sql`delete from agenda_jobs where repeat_interval is null and last_finished_at < ${c.queuedJobs}`.execute(tx);
      const backtests = await tx.deleteFrom('backtest_runs').where('status', '<>', 'running')
        .where((eb) => eb(eb.fn.coalesce('finished_at', 'started_at'), '<', c.backtests)).returning('dir').execute();
      return {
        jobRuns: Number(jobRuns.numDeletedRows), alertDeliveries: Number(deliveries.numDeletedRows), alerts: Number(alerts.numDeletedRows),
        queuedJobs: Number(queued.numAffectedRows ?? 0), backtests: backtests.length,
        backtestDirs: backtests.map((b) => b.dir).filter((d): d is string => d !== null),
      };
    });
  }
}
