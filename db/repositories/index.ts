import { PgRetentionRepository } from './retention.repository.js';
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import type { Repositories } from '../../src/ports/repositories.port.js';
import type { Database } from '../schema.js';
import { PgAuditRepository } from './audit.repository.js';
import { PgCandleRepository, PgIndicatorRepository, PgInstrumentRepository } from './market.repository.js';
import { PgOutboxRepository } from './outbox.repository.js';
import { PgPickRepository } from './picks.repository.js';
import { PgScreeningRepository } from './screening.repository.js';
import { PgShadowRepository } from './shadow.repository.js';
import { PgPaperLedger } from './paper-ledger.repository.js';
import { PgPipelineRepository } from './pipeline.repository.js';
import { PgRiskSettingsRepository } from './risk-settings.repository.js';
import { PgStateRepository } from './state.repository.js';
import { PgTradingRepository } from './trading.repository.js';
import { PgSubscriptionRepository } from './subscriptions.repository.js';
import { PgJobRunRepository } from './job-runs.repository.js';
import { PgBacktestRunRepository } from './backtest-runs.repository.js';
import { PgSweepRepository } from './backtest-sweeps.repository.js';
import { PgTrainingTaskRepository } from './training-tasks.repository.js';
import { PgModelRegistry } from './models.repository.js';

/** All PostgreSQL repositories over one kysely instance. */
export function createRepositories(db: Kysely<Database>, pool: pg.Pool): Repositories {
  return {
    instruments: new PgInstrumentRepository(db),
    candles: new PgCandleRepository(db, pool),
    indicators: new PgIndicatorRepository(db, pool),
    pipeline: new PgPipelineRepository(db),
    picks: new PgPickRepository(db),
    screening: new PgScreeningRepository(db),
    shadows: new PgShadowRepository(db),
    trading: new PgTradingRepository(db),
    state: new PgStateRepository(db),
    outbox: new PgOutboxRepository(db),
    retention: new PgRetentionRepository(db),
    audit: new PgAuditRepository(db),
    riskSettings: new PgRiskSettingsRepository(db),
    paperLedger: new PgPaperLedger(db),
    subscriptions: new PgSubscriptionRepository(db),
    jobRuns: new PgJobRunRepository(db),
    backtestRuns: new PgBacktestRunRepository(db),
    sweeps: new PgSweepRepository(db),
    training: new PgTrainingTaskRepository(db),
    models: new PgModelRegistry(db),
    probe: async () => {
      await sql`select 1`.execute(db);
    },
  };
}
