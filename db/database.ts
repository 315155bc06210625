/** PostgreSQL connection through kysely. Trading days (`date`) are read as 'YYYY-MM-DD' strings, bigint
 * counts as numbers. */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

pg.types.setTypeParser(1082, (v: string) => v); // date
pg.types.setTypeParser(20, (v: string) => Number(v)); // int8 (count(*))

/** An open database: the kysely instance and the pool under it (shared with Agenda). */
export interface DbHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
  close(): Promise<void>;
}

export function openDatabase(connectionString: string, max = 10): DbHandle {
  // JIT compilation cost 100-200 ms on the pipeline's short scans here and saved nothing: off for our sessions.
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 10_000, options: '-c jit=off' });
  // A dropped idle connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  // A client lent out by the pool has no 'error' listener: if the server goes away mid-query, pg emits 'error'
  // on it besides failing the query, and an unheard 'error' would end the process. The query's rejection is
  // what callers handle (the chats answer "database unavailable"); the event itself needs no action.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, close: () => db.destroy() };
}
