/** Processes that start together (app, workers) migrate one fresh database at once without tripping each other. */
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type DbHandle } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

describe('schema migration from several processes at once', () => {
  let t: TestDatabase | undefined;
  const handles: DbHandle[] = [];
  afterAll(async () => {
    for (const h of handles) await h.close();
    await t?.drop();
  });

  it('four pools migrating a fresh database together all succeed, and each migration is applied once', async () => {
    t = await createTestDatabase();
    for (let i = 0; i < 4; i++) handles.push(openDatabase(t.url, 2));
    const applied = await Promise.all(handles.map((h) => migrateToLatest(h.db, h.pool)));
    const all = applied.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(8);
    const jobs = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = 'agenda_jobs'`.execute(handles[0]!.db);
    expect(jobs.rows[0]!.n).toBe(1);
  }, 60_000);
});
