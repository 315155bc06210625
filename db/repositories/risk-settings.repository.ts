/** Risk limits set from chat with /set_risk. */
import type { Kysely } from 'kysely';
import type { RiskSettingsRepository } from '../../src/ports/repositories.port.js';
import type { Database } from '../schema.js';

export class PgRiskSettingsRepository implements RiskSettingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async all() {
    const rows = await this.db.selectFrom('risk_settings').selectAll().orderBy('key').execute();
    return new Map(rows.map((r) => [r.key, { value: r.value, changedBy: r.changed_by, changedAt: r.changed_at }]));
  }

  async set(key: string, value: number, by: string, at: Date): Promise<void> {
    const row = { value, changed_by: by, changed_at: at };
    await this.db.insertInto('risk_settings').values({ key, ...row }).onConflict((oc) => oc.column('key').doUpdateSet(row)).execute();
  }
}
