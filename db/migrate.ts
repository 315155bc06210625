/**
 * Runs kysely migrations (db/migrations) and creates Agenda's job table once, before any worker starts.
 * Processes that start together (app and worker, several workers) take turns under one advisory lock:
 * Agenda's schema creation is not safe to run concurrently ("tuple concurrently updated").
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type pg from 'pg';
import type { Database } from './schema.js';
import * as initial from './migrations/001-initial.migration.js';
import * as features from './migrations/002-features-fundamentals.migration.js';
import * as tradingEngine from './migrations/003-trading-engine.migration.js';
import * as chat from './migrations/004-chat.migration.js';
import * as featureState from './migrations/005-feature-state.migration.js';
import * as backtestRuns from './migrations/006-backtest-runs.migration.js';
import * as backtestSweeps from './migrations/007-backtest-sweeps.migration.js';
import * as modelRegistry from './migrations/008-model-registry.migration.js';
import * as trainingTasks from './migrations/009-training-tasks.migration.js';
import * as candleDays from './migrations/010-candle-days.migration.js';
import * as picksPerStrategy from './migrations/011-picks-per-strategy.migration.js';
import * as shadowPortfolios from './migrations/012-shadow-portfolios.migration.js';
import * as screening from './migrations/013-screening-pick-details.migration.js';
import * as featureStateStorage from './migrations/014-feature-state-storage.migration.js';
import * as jobRunWorker from './migrations/015-job-run-worker.migration.js';
import * as alertClaims from './migrations/016-alert-claims.migration.js';

const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-features-fundamentals': features,
  '003-trading-engine': tradingEngine,
  '004-chat': chat,
  '005-feature-state': featureState,
  '006-backtest-runs': backtestRuns,
  '007-backtest-sweeps': backtestSweeps,
  '008-model-registry': modelRegistry,
  '009-training-tasks': trainingTasks,
  '010-candle-days': candleDays,
  '011-picks-per-strategy': picksPerStrategy,
  '012-shadow-portfolios': shadowPortfolios,
  '013-screening-pick-details': screening,
  '014-feature-state-storage': featureStateStorage,
  '015-job-run-worker': jobRunWorker,
  '016-alert-claims': alertClaims,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Bring the schema to the latest version; returns the names of migrations applied now. */
export async function migrateToLatest(db: Kysely<Database>, pool: pg.Pool): Promise<string[]> {
  const holder = await pool.connect();
  try {
    await holder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await migrateUnderLock(db, pool);
  } finally {
    await holder.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    holder.release();
  }
}

/** Advisory-lock key that serialises schema changes between Tiller processes ("tiller" in ASCII). */
const MIGRATION_LOCK = 0x74696c6c6572;

async function migrateUnderLock(db: Kysely<Database>, pool: pg.Pool): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  const backend = new PostgresBackend({ pool, ensureSchema: true, disableNotifications: true });
  await backend.connect();
  await backend.disconnect();
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
