/** The model registry in PostgreSQL. */
import type { Kysely, Selectable } from 'kysely';
import type { ModelRecord, ModelRegistry } from '../../src/ports/repositories.port.js';
import type { Database, ModelsTable } from '../schema.js';

const record = (r: Selectable<ModelsTable>): ModelRecord => ({
  id: r.id, kind: r.kind, version: r.version, params: r.params, dataFrom: r.data_from, dataTo: r.data_to, horizon: r.horizon, folds: r.folds,
  metrics: r.metrics as ModelRecord['metrics'], baseline: r.baseline as ModelRecord['baseline'], backend: r.backend, trainSeconds: r.train_seconds,
  artefactPath: r.artefact_path, checksum: r.checksum, status: r.status as ModelRecord['status'], reason: r.reason, createdAt: r.created_at,
});

export class PgModelRegistry implements ModelRegistry {
  constructor(private readonly db: Kysely<Database>) {}

  async nextVersion(kind: string): Promise<number> {
    const r = await this.db.selectFrom('models').select((eb) => eb.fn.max('version').as('v')).where('kind', '=', kind).executeTakeFirst();
    return (r?.v ?? 0) + 1;
  }

  async add(r: Omit<ModelRecord, 'id' | 'createdAt' | 'status' | 'reason'>): Promise<ModelRecord> {
    const row = await this.db.insertInto('models').values({
      kind: r.kind, version: r.version, params: JSON.stringify(r.params), data_from: r.dataFrom, data_to: r.dataTo, horizon: r.horizon, folds: r.folds,
      metrics: JSON.stringify(r.metrics), baseline: JSON.stringify(r.baseline), backend: r.backend, train_seconds: r.trainSeconds,
      artefact_path: r.artefactPath, checksum: r.checksum, status: 'candidate',
    }).returningAll().executeTakeFirstOrThrow();
    return record(row);
  }

  async promote(id: number, reason: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const m = await tx.selectFrom('models').select('kind').where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
      await tx.updateTable('models').set({ status: 'retired' }).where('kind', '=', m.kind).where('status', '=', 'active').execute();
      await tx.updateTable('models').set({ status: 'active', reason }).where('id', '=', id).execute();
    });
  }

  async reject(id: number, reason: string, retireActive = false): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      if (retireActive) {
        const m = await tx.selectFrom('models').select('kind').where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
        await tx.updateTable('models').set({ status: 'retired' }).where('kind', '=', m.kind).where('status', '=', 'active').execute();
      }
      await tx.updateTable('models').set({ status: 'rejected', reason }).where('id', '=', id).execute();
    });
  }

  async active(kind: string): Promise<ModelRecord | null> {
    const r = await this.db.selectFrom('models').selectAll().where('kind', '=', kind).where('status', '=', 'active').executeTakeFirst();
    return r ? record(r) : null;
  }

  async heads(kinds: readonly string[]): Promise<Map<string, { latest: ModelRecord; active: ModelRecord | null }>> {
    const out = new Map<string, { latest: ModelRecord; active: ModelRecord | null }>();
    if (kinds.length === 0) return out;
    const rows = await this.db.selectFrom('models').selectAll()
      .where((eb) => eb.or([
        eb('id', 'in', eb.selectFrom('models').select((e) => e.fn.max('id').as('id')).where('kind', 'in', [...kinds]).groupBy('kind')),
        eb.and([eb('kind', 'in', [...kinds]), eb('status', '=', 'active')]),
      ]))
      .orderBy('id', 'desc').execute();
    for (const r of rows.map(record)) {
      const h = out.get(r.kind);
      if (!h) out.set(r.kind, { latest: r, active: r.status === 'active' ? r : null });
      else if (r.status === 'active') h.active = r;
    }
    return out;
  }

  async list(kind?: string): Promise<ModelRecord[]> {
    let q = this.db.selectFrom('models').selectAll();
    if (kind) q = q.where('kind', '=', kind);
    return (await q.orderBy('id', 'desc').execute()).map(record);
  }
}
