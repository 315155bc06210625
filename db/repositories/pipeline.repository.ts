import { sql, type Kysely } from 'kysely';
import { TemporaryError } from '../../src/domain/errors.js';
import type { DerivedMetrics, Fundamentals, TradingDay } from '../../src/domain/types.js';
import type { PipelineRepository, PipelineRunInfo, QuarantinedRow, RunStatus, StepStatus } from '../../src/ports/repositories.port.js';
import type { Database } from '../schema.js';
import { chunks, lastDayPerInstrument } from './market.repository.js';

/** Key of the session-level advisory lock that keeps pipeline runs from overlapping. */
const PIPELINE_LOCK = 7_350_001;

export class PgPipelineRepository implements PipelineRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async withRunLock<T>(fn: () => Promise<T>): Promise<T> {
    // The lock lives on one pinned connection: if the process dies, PostgreSQL releases it.
    return this.db.connection().execute(async (conn) => {
      const got = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${PIPELINE_LOCK}) as ok`.execute(conn);
      if (!got.rows[0]?.ok) throw new TemporaryError('another pipeline run is in progress');
      try {
        return await fn();
      } finally {
        await sql`select pg_advisory_unlock(${PIPELINE_LOCK})`.execute(conn);
      }
    });
  }

  async startRun(asOf: TradingDay, trigger: string): Promise<number> {
    const r = await this.db.insertInto('pipeline_runs').values({ as_of: asOf, trigger, status: 'running' }).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async unfinishedRunFor(asOf: TradingDay): Promise<PipelineRunInfo | null> {
    const r = await this.db.selectFrom('pipeline_runs').select('id').where('as_of', '=', asOf).orderBy('id', 'desc').limit(1).executeTakeFirst();
    if (!r) return null;
    const [info] = await this.runs([r.id]);
    return info && (info.status === 'failed' || info.status === 'running') ? info : null;
  }

  async resumeRun(runId: number): Promise<void> {
    await this.db.updateTable('pipeline_runs').set((eb) => ({ status: 'running', error: null, finished_at: null, resumed: eb('resumed', '+', 1) })).where('id', '=', runId).execute();
  }

  async startStep(runId: number, step: string, attempt: number): Promise<number> {
    const r = await this.db.insertInto('pipeline_steps').values({ run_id: runId, step, attempt, status: 'running', rows: 0 }).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async finishStep(stepId: number, status: 'succeeded' | 'failed', rows: number, error?: string): Promise<void> {
    await this.db.updateTable('pipeline_steps').set({ status, rows, error: error ?? null, finished_at: new Date() }).where('id', '=', stepId).execute();
  }

  async finishRun(runId: number, status: Exclude<RunStatus, 'running'>, error?: string): Promise<void> {
    await this.db.updateTable('pipeline_runs').set({ status, error: error ?? null, finished_at: new Date() }).where('id', '=', runId).execute();
  }

  async quarantine(rows: QuarantinedRow[]): Promise<number> {
    let n = 0;
    for (const part of chunks(rows)) {
      const res = await this.db.insertInto('quarantine')
        .values(part.map((r) => ({ run_id: r.runId, symbol: r.symbol, day: r.day, reason: r.reason, kind: r.kind, raw: JSON.stringify(r.raw) })))
        .onConflict((oc) => oc.columns(['symbol', 'day', 'reason']).doNothing())
        .executeTakeFirst();
      n += Number(res.numInsertedOrUpdatedRows ?? 0);
    }
    return n;
  }

  async quarantineOnce(rows: QuarantinedRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const seen = await this.db.selectFrom('quarantine').select(['symbol', 'reason', 'kind'])
      .where('symbol', 'in', [...new Set(rows.map((r) => r.symbol))]).where('reason', 'in', [...new Set(rows.map((r) => r.reason))]).execute();
    const known = new Set(seen.map((r) => `${r.symbol}\u0000${r.reason}\u0000${r.kind}`));
    return this.quarantine(rows.filter((r) => !known.has(`${r.symbol}\u0000${r.reason}\u0000${r.kind}`)));
  }

  async quarantineCounts(runId: number): Promise<{ rejected: number; flagged: number }> {
    const rows = await this.db.selectFrom('quarantine').select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).where('run_id', '=', runId).groupBy('kind').execute();
    const of = (k: string) => Number(rows.find((r) => r.kind === k)?.n ?? 0);
    return { rejected: of('rejected'), flagged: of('flagged') };
  }

  async lastRuns(limit: number): Promise<PipelineRunInfo[]> {
    const ids = await this.db.selectFrom('pipeline_runs').select('id').orderBy('id', 'desc').limit(limit).execute();
    return this.runs(ids.map((r) => r.id));
  }

  private async runs(ids: number[]): Promise<PipelineRunInfo[]> {
    if (ids.length === 0) return [];
    const runs = await this.db.selectFrom('pipeline_runs').selectAll().where('id', 'in', ids).orderBy('id', 'desc').execute();
    const steps = await this.db.selectFrom('pipeline_steps').selectAll().where('run_id', 'in', ids).orderBy('id').execute();
    return runs.map((r) => ({
      id: r.id, asOf: r.as_of, status: r.status as RunStatus, startedAt: r.started_at, finishedAt: r.finished_at, resumed: r.resumed, error: r.error,
      steps: steps.filter((s) => s.run_id === r.id).map((s) => ({
        step: s.step, status: s.status as StepStatus, rows: s.rows, attempt: s.attempt, error: s.error,
        seconds: s.finished_at ? (s.finished_at.getTime() - s.started_at.getTime()) / 1000 : null,
      })),
    }));
  }

  async upsertFundamentals(asOf: TradingDay, source: string, rows: Fundamentals[]): Promise<number> {
    const toRow = (f: Fundamentals) => ({
      symbol: f.symbol, as_of: asOf, source, market_cap: f.marketCap, pe: f.pe, pb: f.pb, ps: f.ps, eps: f.eps, dividend_yield: f.dividendYield,
      ebitda: f.ebitda, roe: f.roe, beta: f.beta, debt_to_equity: f.debtToEquity, profit_margin: f.profitMargin,
      revenue_growth: f.revenueGrowth, earnings_growth: f.earningsGrowth, week52_low: f.week52Low, week52_high: f.week52High,
    });
    // A row is kept per change: values equal to the symbol's latest stored ones (from this source) add nothing.
    const latest = rows.length === 0 ? [] : await sql<Record<string, unknown>>`
      select distinct on (symbol) * from fundamentals where symbol = any(${rows.map((r) => r.symbol)}) and as_of <= ${asOf}
      order by symbol, as_of desc`.execute(this.db).then((r) => r.rows);
    const bySymbol = new Map(latest.map((r) => [r.symbol as string, r]));
    const changed = rows.map(toRow).filter((v) => {
      const old = bySymbol.get(v.symbol);
      if (!old || old.source !== source) return true;
      return Object.entries(v).some(([k, x]) => k !== 'as_of' && k !== 'symbol' && k !== 'source' && (old[k] ?? null) !== (x ?? null));
    });
    for (const values of chunks(changed)) {
      await this.db.insertInto('fundamentals').values(values)
        .onConflict((oc) => oc.columns(['symbol', 'as_of']).doUpdateSet((eb) => {
          const set: Record<string, unknown> = {};
          for (const k of Object.keys(values[0]!)) if (k !== 'symbol' && k !== 'as_of') set[k] = eb.ref(`excluded.${k}` as 'excluded.pe');
          return set;
        }))
        .execute();
    }
    return changed.length;
  }

  async upsertMetrics(rows: DerivedMetrics[]): Promise<number> {
    for (const part of chunks(rows)) {
      // Absurd but finite inputs (volume near 1e300) overflow a product to Infinity: stored as NULL, like
      // every other non-finite value on its way to the database.
      const values = part.map((m) => ({
        symbol: m.symbol, day: m.day, volatility20: finite(m.volatility20), volatility60: finite(m.volatility60), atr_pct: finite(m.atrPct),
        avg_turnover20: finite(m.avgTurnover20), high52w: finite(m.high52w), low52w: finite(m.low52w), pct_from_high52w: finite(m.pctFromHigh52w), bars: m.bars,
      }));
      await this.db.insertInto('instrument_metrics').values(values)
        .onConflict((oc) => oc.columns(['symbol', 'day']).doUpdateSet((eb) => ({
          volatility20: eb.ref('excluded.volatility20'), volatility60: eb.ref('excluded.volatility60'), atr_pct: eb.ref('excluded.atr_pct'),
          avg_turnover20: eb.ref('excluded.avg_turnover20'), high52w: eb.ref('excluded.high52w'), low52w: eb.ref('excluded.low52w'),
          pct_from_high52w: eb.ref('excluded.pct_from_high52w'), bars: eb.ref('excluded.bars'),
        })))
        .execute();
    }
    return rows.length;
  }

  async metricsDays(): Promise<Map<string, TradingDay>> {
    return lastDayPerInstrument(this.db, 'instrument_metrics');
  }

}

/** The value, or null when it is missing or not finite. */
const finite = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);
