/** The data pipeline saga: universe → candles (incremental) → indicators → validation. Each step is
 * tracked in PostgreSQL and retried on temporary errors; writes are idempotent upserts, so a re-run
 * stores nothing twice. Symbols are processed one at a time so memory does not grow with the universe. */
import { OperationalError } from '../domain/errors.js';
import type { Candle, IndicatorRow, TradingDay } from '../domain/types.js';
import { computeIndicators, WARMUP_BARS } from '../market/indicators.js';
import { addDays } from '../market/market-time.js';
import { validateCandles } from '../market/validation.js';
import type { MarketData } from '../ports/market-data.port.js';
import type { QuarantinedRow, Repositories } from '../ports/repositories.port.js';
import { runStep, type StepOptions } from './step-runner.js';

export interface PipelineSettings {
  universe: readonly string[];
  historyDays: number;
  maxAttempts: number;
  retryDelayMs: number;
}

export interface PipelineResult {
  runId: number;
  asOf: TradingDay;
  symbols: number;
  candles: number;
  quarantined: number;
  indicators: number;
  coverage: number;
}

/** Called with progress of long steps (done, total). */
export type ProgressFn = (step: string, done: number, total: number) => void;

const FLUSH_ROWS = 10_000;
/** Symbols whose stored bars are read in one query by the indicators step. */
const READ_BATCH = 100;
/** Calendar days of stored history to read before new bars so that every indicator is warmed up. */
const WARMUP_CALENDAR_DAYS = Math.ceil(WARMUP_BARS * 1.5) + 10;

export class PipelineService {
  constructor(
    private readonly repos: Repositories,
    private readonly market: MarketData,
    private readonly settings: PipelineSettings,
    private readonly onProgress: ProgressFn = () => undefined,
    private readonly stepOptions: Partial<StepOptions> = {},
  ) {}

  /** Bring stored data up to `asOf` (the last completed trading day). */
  async run(asOf: TradingDay, trigger: string): Promise<PipelineResult> {
    const repo = this.repos.pipeline;
    const runId = await repo.startRun(asOf, trigger);
    const opts: StepOptions = { maxAttempts: this.settings.maxAttempts, retryDelayMs: this.settings.retryDelayMs, ...this.stepOptions };
    try {
      const symbols: string[] = [];
      await runStep(repo, runId, 'universe', opts, async () => {
        const all = await this.market.listInstruments();
        const wanted = this.settings.universe.length > 0 ? new Set(this.settings.universe) : null;
        const chosen = wanted ? all.filter((i) => wanted.has(i.symbol)) : all;
        if (wanted) {
          for (const s of wanted) {
            if (!chosen.some((i) => i.symbol === s)) chosen.push({ symbol: s, name: s, sector: null, marketCap: null });
          }
        }
        symbols.splice(0, symbols.length, ...chosen.map((i) => i.symbol));
        return this.repos.instruments.upsertMany(chosen);
      });

      const changed = new Map<string, TradingDay>();
      let quarantined = 0;
      const candles = await runStep(repo, runId, 'candles', opts, async () => {
        changed.clear();
        quarantined = 0;
        const last = await this.repos.candles.lastDays();
        let stored = 0;
        let buffer: Candle[] = [];
        let bad: QuarantinedRow[] = [];
        const flush = async () => {
          stored += await this.repos.candles.upsertMany(buffer);
          quarantined += await repo.quarantine(bad);
          buffer = [];
          bad = [];
        };
        for (const [i, symbol] of symbols.entries()) {
          const lastDay = last.get(symbol);
          const from = lastDay ? addDays(lastDay, 1) : addDays(asOf, -this.settings.historyDays);
          if (from <= asOf) {
            const raw = await this.market.getDailyCandles(symbol, from, asOf);
            const { valid, rejected } = validateCandles(raw);
            if (valid[0]) changed.set(symbol, valid[0].day);
            buffer.push(...valid);
            for (const r of rejected) bad.push({ runId, symbol, day: r.raw.day, reason: r.reason, raw: r.raw });
            if (buffer.length >= FLUSH_ROWS) await flush();
          }
          this.onProgress('candles', i + 1, symbols.length);
        }
        await flush();
        return stored;
      });

      const indicators = await runStep(repo, runId, 'indicators', opts, async () => {
        let stored = 0;
        let done = 0;
        let buffer: IndicatorRow[] = [];
        const entries = [...changed];
        for (let i = 0; i < entries.length; i += READ_BATCH) {
          const batch = entries.slice(i, i + READ_BATCH);
          const earliest = batch.reduce((m, [, d]) => (d < m ? d : m), batch[0]![1]);
          const bars = await this.repos.candles.since(batch.map(([s]) => s), addDays(earliest, -WARMUP_CALENDAR_DAYS));
          for (const [symbol, firstNew] of batch) {
            const cutoff = addDays(firstNew, -WARMUP_CALENDAR_DAYS);
            const own = (bars.get(symbol) ?? []).filter((b) => b.day >= cutoff);
            buffer.push(...computeIndicators(own).filter((r) => r.day >= firstNew));
            this.onProgress('indicators', ++done, changed.size);
          }
          if (buffer.length >= FLUSH_ROWS) {
            stored += await this.repos.indicators.upsertMany(buffer);
            buffer = [];
          }
        }
        stored += await this.repos.indicators.upsertMany(buffer);
        return stored;
      });

      let coverage = 0;
      await runStep(repo, runId, 'validation', opts, async () => {
        const have = await this.repos.candles.countOn(asOf);
        coverage = symbols.length === 0 ? 0 : have / symbols.length;
        if (symbols.length > 0 && have === 0) {
          throw new OperationalError(`no symbol has a bar for ${asOf}: the provider has no data for that day`);
        }
        return have;
      });

      await repo.finishRun(runId, 'succeeded');
      return { runId, asOf, symbols: symbols.length, candles, quarantined, indicators, coverage };
    } catch (err) {
      await repo.finishRun(runId, 'failed', err instanceof Error ? err.message : String(err));
      throw err;
    }
  }
}
