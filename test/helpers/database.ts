/** A fresh PostgreSQL database per test file on the real server (TEST_PG_URL, default the local one). */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type DbHandle } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';

export const ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `tiller_t_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** A migrated test database with an open kysely handle. */
export async function openMigratedDatabase(): Promise<{ handle: DbHandle; drop(): Promise<void>; url: string }> {
  const t = await createTestDatabase();
  const handle = openDatabase(t.url, 5);
  await migrateToLatest(handle.db, handle.pool);
  return { handle, url: t.url, drop: async () => { await handle.close(); await t.drop(); } };
}
