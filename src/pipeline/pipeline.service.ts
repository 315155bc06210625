/** The data pipeline saga: universe → candles (incremental) → indicators → fundamentals and derived
 * metrics → validation → exports.
 *
 * Every step reads what it needs from the database rather than from the step before it, so a run that
 * failed resumes at the failed step (in a new process too) and a re-run stores nothing twice: candles and
 * indicators are only ever appended after each symbol's last stored day; features continue from the kernel
 * state saved with them, so a new day never re-reads a warm-up window. Steps are tracked (status,
 * attempts, rows, error, timings), retried on temporary errors, metered, and one run at a time holds the
 * pipeline lock. Symbols are streamed in batches, so memory does not grow with the universe. */
import { isDatabaseUnavailable, isRetryable, OperationalError, PipelineStepError } from '../domain/errors.js';
import type { AlertService } from '../alerts/alert.service.js';
import { clip } from '../domain/text.js';
import type { BarColumns, DerivedMetrics, TradingDay } from '../domain/types.js';
import { deriveMetrics } from '../market/derived-metrics.js';
import { computeFeatures, sliceBars, type IndicatorSeries } from '../market/indicators.js';
import { addDays } from '../market/market-time.js';
import { findGaps, pickRows, rawRowAt, rawToColumns, validateBars, type BarLimits } from '../market/validation.js';
import type { CandleExport } from '../ports/candle-export.port.js';
import type { MarketData } from '../ports/market-data.port.js';
import type { CandleRepository, QuarantinedRow, Repositories } from '../ports/repositories.port.js';

/** Each symbol's last stored bar (CandleRepository.lastBars). */
type LastBars = ReturnType<CandleRepository['lastBars']>;
import { pipelineLastSuccess, pipelineQuarantinedTotal, pipelineRowsTotal, pipelineStepDuration, pipelineStepFailures } from '../../monitoring/metrics.js';
import { RecentBars } from './recent-bars.js';
import { runStep, type StepOptions } from './step-runner.js';
import { WriteQueue } from './write-queue.js';

export const PIPELINE_STEPS = ['universe', 'candles', 'indicators', 'fundamentals', 'validation', 'exports'] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];

export interface PipelineSettings {
  universe: readonly string[];
  /** The universe step uses the stored symbol master (the `symbols` job's) while it was refreshed less than this
   * many days ago and holds every symbol of `universe`; absent: it lists the provider's symbols every run. */
  symbolsMaxAgeDays?: number;
  historyDays: number;
  /** Trading days of features stored per symbol by a full pass (0 = all); the daily path appends each day. */
  featureHistoryDays: number;
  maxAttempts: number;
  retryDelayMs: number;
  limits: BarLimits;
}

export interface PipelineResult {
  runId: number;
  asOf: TradingDay;
  /** Steps skipped because a failed earlier run of the same day had already finished them. */
  resumedAfter: PipelineStep[];
  /** Where the universe step took the symbols from: the provider's list, or the stored (fresh) symbol master. */
  symbolMaster?: 'refreshed' | 'stored';
  symbols: number;
  candles: number;
  quarantined: number;
  indicators: number;
  fundamentals: number;
  metrics: number;
  coverage: number;
  exported: number;
  /** Symbols this run could not fetch or read (a broken file, a provider refusing the symbol), each with the
   * reason; the others were stored, and the run ends `partial`. */
  failedSymbols: Array<{ symbol: string; reason: string }>;
}

/** What a pipeline may use besides its data: each optional. */
export interface PipelineExtras {
  /** Writes stored candles to files (the CSV export); none when absent. */
  exporter?: CandleExport | null;
  /** Progress of long steps. */
  onProgress?: ProgressFn;
  /** Retry settings of the steps, beyond `maxAttempts` and `retryDelayMs` of the settings. */
  stepOptions?: Partial<StepOptions>;
  /** Raises `pipeline_partial` when a run ends with symbols it could not store. */
  alerts?: Pick<AlertService, 'raise'>;
}

/** Called with progress of long steps (done, total). */
export type ProgressFn = (step: string, done: number, total: number) => void;

const FLUSH_ROWS = 20_000;
/** Symbols whose stored bars are read in one query. */
const READ_BATCH = 20;
/** Symbols exported per read: bounded by memory on a full export (about 100 × 1,260 bars). */
const EXPORT_BATCH = 100;
/** Symbols whose recent bars are read in one query (feature states continuing, derived metrics). */
const INCREMENTAL_BATCH = 1000;
/** Calendar days of bars the derived metrics need (a 52-week range plus margin). */
const METRICS_CALENDAR_DAYS = 380;
/** Provider requests in flight at once while fetching candles (online providers also throttle). */
const FETCH_CONCURRENCY = 4;
/** Indicator batches written at once (two COPYs in flight used both cores of a 2-core machine). */
const INDICATOR_WRITES_IN_FLIGHT = 2;

/** Run `work` over `items` with at most `limit` in flight, in order of start. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  });
  await Promise.all(lanes);
}

export class PipelineService {
  private readonly recent: RecentBars;
  /** Kernel states as this process saved them, by symbol (checked against the stored last indicator day). */
  private readonly states = new Map<string, { day: TradingDay; state: Float64Array }>();

  private readonly exporter: CandleExport | null;
  private readonly onProgress: ProgressFn;

  constructor(
    private readonly repos: Repositories,
    private readonly market: MarketData,
    private readonly settings: PipelineSettings,
    private readonly extras: PipelineExtras = {},
  ) {
    this.recent = new RecentBars(repos.candles);
    this.exporter = extras.exporter ?? null;
    this.onProgress = extras.onProgress ?? (() => undefined);
  }

  /** Bring stored data up to `asOf` (the last completed trading day), resuming a failed run of that day. */
  run(asOf: TradingDay, trigger: string): Promise<PipelineResult> {
    return this.repos.pipeline.withRunLock(() => this.runLocked(asOf, trigger));
  }

  private async runLocked(asOf: TradingDay, trigger: string): Promise<PipelineResult> {
    const repo = this.repos.pipeline;
    // Under the run lock a run still marked running was cut off (its process died): resumed like a failed one.
    const failed = await repo.unfinishedRunFor(asOf);
    const done = new Set(failed?.steps.filter((s) => s.status === 'succeeded').map((s) => s.step) ?? []);
    const runId = failed ? failed.id : await repo.startRun(asOf, trigger);
    if (failed) await repo.resumeRun(runId);
    const result: PipelineResult = {
      runId, asOf, resumedAfter: PIPELINE_STEPS.filter((s) => done.has(s)),
      symbols: 0, candles: 0, quarantined: 0, indicators: 0, fundamentals: 0, metrics: 0, coverage: 0, exported: 0, failedSymbols: [],
    };
    const opts: StepOptions = { maxAttempts: this.settings.maxAttempts, retryDelayMs: this.settings.retryDelayMs, ...this.extras.stepOptions };
    // Each symbol's last stored bar, read once after the candles step for the steps after it (only the
    // candles step writes candles); a retried or resumed step reads it again.
    let lastBars: LastBars | null = null;
    const lastBarsOnce = () => (lastBars ??= this.repos.candles.lastBars());
    const forget = (err: unknown): never => {
      lastBars = null;
      throw err;
    };
    // The bars this run stored for symbols that had none before it: their whole stored history, so the
    // indicators step computes from them instead of reading the same rows back. Emptied when a candles
    // attempt starts (a retry's symbols were partly stored by the failed attempt: those are read back).
    let newSymbolBars = new Map<string, BarColumns>();
    const bodies: Record<PipelineStep, () => Promise<number>> = {
      universe: () => this.universe(result),
      candles: () => this.candles(runId, asOf, result, (newSymbolBars = new Map())).finally(() => (lastBars = null)),
      indicators: () => this.indicators(asOf, result, lastBarsOnce, newSymbolBars).then((n) => {
        newSymbolBars = new Map();
        return n;
      }, forget),
      fundamentals: () => this.fundamentals(runId, asOf, result, lastBarsOnce).catch(forget),
      validation: () => this.validation(asOf, result),
      exports: () => this.exports(result, lastBarsOnce).catch(forget),
    };
    let current: PipelineStep = PIPELINE_STEPS[0];
    // Rows quarantined by this run, failed or not (they are stored as each step goes).
    const countQuarantined = () => pipelineQuarantinedTotal.inc(result.quarantined);
    try {
      for (const step of PIPELINE_STEPS) {
        if (done.has(step)) continue;
        current = step;
        const end = pipelineStepDuration.startTimer({ step });
        const rows = await runStep(repo, runId, step, opts, bodies[step]);
        end();
        pipelineRowsTotal.inc({ step }, rows);
      }
      const failed = result.failedSymbols;
      if (failed.length === 0) await repo.finishRun(runId, 'succeeded');
      else await this.endPartial(result);
      pipelineLastSuccess.set(Date.now() / 1000);
      countQuarantined();
      return result;
    } catch (err) {
      pipelineStepFailures.inc({ step: current });
      countQuarantined();
      await repo.finishRun(runId, 'failed', `${current}: ${err instanceof Error ? err.message : String(err)}`);
      throw new PipelineStepError(current, err);
    }
  }

  /** A run that stored every symbol it could: recorded as `partial` with the failed symbols named, and
   * alerted once per run. (A run resumed after its candles step knows only the failures of this process.) */
  private async endPartial(result: PipelineResult): Promise<void> {
    // By symbol: the fetch lanes finish in any order, and the same failures should read the same way.
    const failed = result.failedSymbols.sort((a, b) => a.symbol.localeCompare(b.symbol));
    const named = failed.slice(0, 5).map((f) => `${f.symbol} (${f.reason})`).join('; ');
    const summary = `${failed.length} of ${result.symbols} symbol(s) not stored: ${named}${failed.length > 5 ? `; and ${failed.length - 5} more` : ''}`;
    await this.repos.pipeline.finishRun(result.runId, 'partial', summary);
    await this.extras.alerts?.raise(
      { type: 'pipeline_partial', day: result.asOf, failed: failed.length, symbols: result.symbols, examples: failed.slice(0, 5).map((f) => `${f.symbol}: ${f.reason}`), runId: result.runId },
      `pipeline_partial:${result.runId}`,
    );
  }

  /** The symbols of this run, from the stored instruments (so a resumed run sees the same list). */
  private async symbols(): Promise<string[]> {
    const wanted = this.settings.universe.length > 0 ? new Set(this.settings.universe) : null;
    return (await this.repos.instruments.list()).map((i) => i.symbol).filter((s) => !wanted || wanted.has(s));
  }

  private async universe(result: PipelineResult): Promise<number> {
    const maxAgeDays = this.settings.symbolsMaxAgeDays;
    if (maxAgeDays !== undefined) {
      const refreshedAt = await this.repos.instruments.refreshedAt();
      if (refreshedAt && Date.now() - refreshedAt.getTime() < maxAgeDays * 86_400_000) {
        const stored = new Set((await this.repos.instruments.list()).map((i) => i.symbol));
        if (this.settings.universe.every((s) => stored.has(s))) {
          result.symbols = this.settings.universe.length > 0 ? this.settings.universe.length : stored.size;
          result.symbolMaster = 'stored';
          return 0;
        }
      }
    }
    result.symbolMaster = 'refreshed';
    const stored = await this.storeSymbolMaster();
    result.symbols = stored.chosen;
    return stored.chosen;
  }

  /** The `symbols` job: list the provider's symbols (names, sectors, market caps) and store them, under the
   * pipeline's lock so a run in progress keeps the list it started with. */
  refreshSymbols(): Promise<{ listed: number; stored: number; added: string[] }> {
    return this.repos.pipeline.withRunLock(async () => {
      const before = new Set((await this.repos.instruments.list()).map((i) => i.symbol));
      const r = await this.storeSymbolMaster();
      const added = r.symbols.filter((s) => !before.has(s));
      return { listed: r.listed, stored: r.chosen, added: added.length > 20 ? [...added.slice(0, 20), `… ${added.length - 20} more`] : added };
    });
  }

  private async storeSymbolMaster(): Promise<{ listed: number; chosen: number; symbols: string[] }> {
    const all = await this.market.listInstruments();
    const wanted = this.settings.universe.length > 0 ? new Set(this.settings.universe) : null;
    const chosen = wanted ? all.filter((i) => wanted.has(i.symbol)) : all;
    for (const s of wanted ?? []) {
      if (!chosen.some((i) => i.symbol === s)) chosen.push({ symbol: s, name: s, sector: null, marketCap: null });
    }
    await this.repos.instruments.upsertMany(chosen);
    return { listed: all.length, chosen: chosen.length, symbols: chosen.map((i) => i.symbol) };
  }

  private async candles(runId: number, asOf: TradingDay, result: PipelineResult, newSymbolBars: Map<string, BarColumns>): Promise<number> {
    result.failedSymbols = [];
    const symbols = await this.symbols();
    result.symbols = symbols.length;
    const last = await this.repos.candles.lastBars();
    const firstFrom = addDays(asOf, -this.settings.historyDays);
    const fromOf = (s: string) => (last.has(s) ? addDays(last.get(s)!.day, 1) : firstFrom);
    const earliest = symbols.reduce((m, s) => (fromOf(s) < m ? fromOf(s) : m), asOf);
    // One look at the market calendar for the whole run, from a day before the earliest new bar.
    const calendar = await this.market.tradingDays(addDays(earliest, -10), asOf);
    let stored = 0;
    let quarantined = 0;
    // Each symbol's validated bars as columns: a full history goes from the provider to COPY without an
    // object per bar.
    let buffer: Array<{ symbol: string; bars: BarColumns }> = [];
    let buffered = 0;
    let bad: QuarantinedRow[] = [];
    const flush = async () => {
      const [b, q] = [buffer, bad];
      buffer = [];
      buffered = 0;
      bad = [];
      // Lanes flush concurrently: add after the await, never `x += await …` (that reads x before waiting).
      const n = await this.repos.candles.insertBars(b);
      for (const x of b) if (!last.has(x.symbol)) newSymbolBars.set(x.symbol, x.bars);
      const k = await this.repos.pipeline.quarantine(q);
      stored += n;
      quarantined += k;
      const e = await this.exportStored(b, last);
      result.exported += e;
    };
    let done = 0;
    await forEachLimited(symbols, FETCH_CONCURRENCY, async (symbol) => {
      const from = fromOf(symbol);
      if (from <= asOf) {
        const prev = last.get(symbol);
        let raw: BarColumns;
        try {
          raw = this.market.getDailyColumns
            ? await this.market.getDailyColumns(symbol, from, asOf)
            : rawToColumns(await this.market.getDailyCandles(symbol, from, asOf));
        } catch (err) {
          // A failure that may pass (network, rate limit, the database) retries the step; one symbol's broken
          // file or a provider refusing it is that symbol's alone: named, quarantined, and the others go on.
          if (isRetryable(err) || isDatabaseUnavailable(err)) throw err;
          const reason = clip(err instanceof Error ? err.message : String(err), 300);
          result.failedSymbols.push({ symbol, reason });
          bad.push({ runId, symbol, day: asOf, reason: `symbol not stored: ${reason}`, kind: 'rejected', raw: { error: reason } });
          this.onProgress('candles', ++done, symbols.length);
          return;
        }
        const { keep, rejected } = validateBars(raw, prev?.close ?? null, this.settings.limits);
        const valid = pickRows(raw, keep);
        if (valid.days.length > 0) {
          buffer.push({ symbol, bars: valid });
          buffered += valid.days.length;
        }
        for (const r of rejected) bad.push({ runId, symbol, day: clip(raw.days[r.row]!, 40), reason: r.reason, kind: 'rejected', raw: rawRowAt(symbol, raw, r.row) });
        const days = prev ? [prev.day, ...valid.days] : valid.days;
        for (const g of findGaps(days, calendar)) {
          bad.push({ runId, symbol, day: g.day, reason: `gap: ${g.missing} trading day(s) missing after ${g.after}`, kind: 'flagged', raw: { after: g.after, missing: g.missing } });
        }
        if (buffered >= FLUSH_ROWS) await flush();
      }
      this.onProgress('candles', ++done, symbols.length);
    });
    await flush();
    result.candles = stored;
    result.quarantined += quarantined;
    return stored;
  }

  /** Export bars right after they are stored, for each symbol whose export file ends where its stored bars
   * ended before this run: the exports step then has nothing to read back (a full run used to re-read all
   * 619k bars for it). A failure here is left to the exports step, which reads what is missing from storage
   * and fails the run if it still cannot write. */
  private async exportStored(stored: ReadonlyArray<{ symbol: string; bars: BarColumns }>, lastBefore: Map<string, { day: TradingDay }>): Promise<number> {
    const exporter = this.exporter;
    if (!exporter || stored.length === 0) return 0;
    let exported = 0;
    // One entry per symbol (the step fetches each symbol once), its days ascending (validated).
    for (const { symbol, bars } of stored) {
      try {
        if ((await exporter.lastDay(symbol)) !== (lastBefore.get(symbol)?.day ?? null)) continue;
        await exporter.append(symbol, bars);
        exported += bars.days.length;
      } catch {
        // the exports step retries it from storage
      }
    }
    return exported;
  }

  /** Features of the days after each symbol's last indicator day. A symbol whose kernel state was saved as
   * of that day continues from it and reads only its new bars; any other (new, or state missing or stale)
   * is computed from its first stored bar, so stored values never depend on where a run started. */
  private async indicators(asOf: TradingDay, result: PipelineResult, lastBars: () => LastBars, newSymbolBars: ReadonlyMap<string, BarColumns>): Promise<number> {
    const symbols = await this.symbols();
    const [candleLast, indicatorLast] = [await lastBars(), await this.repos.indicators.lastDays()];
    const lagging = symbols.filter((s) => candleLast.has(s) && candleLast.get(s)!.day > (indicatorLast.get(s) ?? ''));
    let done = 0;
    // Writing batches (PostgreSQL, the other core) overlaps computing the next one (this process).
    const writes = new WriteQueue(INDICATOR_WRITES_IN_FLIGHT);
    const write = (series: IndicatorSeries[]) => writes.add(() => this.repos.indicators.insertNew(series).then((n) => {
      for (const x of series) if (x.days.length > 0) this.states.set(x.symbol, { day: x.days.at(-1)!, state: x.state });
      return n;
    }));
    // Kernel states this process saved itself are used as they are; others are read from storage.
    const unknown = lagging.filter((sym) => this.states.get(sym)?.day !== indicatorLast.get(sym));
    for (const [sym, st] of await this.repos.indicators.states(unknown)) this.states.set(sym, st);
    const states = this.states;
    const continuing = lagging.filter((sym) => indicatorLast.has(sym) && states.get(sym)?.day === indicatorLast.get(sym));
    const fresh = lagging.filter((sym) => !continuing.includes(sym));
    const windowFrom = addDays(asOf, -METRICS_CALENDAR_DAYS);
    const candleDay = (sym: string) => candleLast.get(sym)?.day;
    // Continuing symbols need only their new bars: from the recent bars kept in memory (which reads just what
    // was appended since), or, for one whose last indicator day is older than that window, one query.
    for (let i = 0; i < continuing.length; i += INCREMENTAL_BATCH) {
      const batch = continuing.slice(i, i + INCREMENTAL_BATCH);
      const recent = batch.filter((sym) => indicatorLast.get(sym)! >= windowFrom);
      const old = batch.filter((sym) => indicatorLast.get(sym)! < windowFrom);
      const bars = new Map([
        ...(recent.length > 0 ? await this.recent.get(recent, windowFrom, candleDay) : []),
        ...(old.length > 0 ? await this.repos.candles.columnsSince(old, addDays(old.map((sym) => indicatorLast.get(sym)!).sort()[0]!, 1)) : []),
      ]);
      const series = batch.map((symbol) => {
        const after = indicatorLast.get(symbol)!;
        const cols = bars.get(symbol)!;
        this.onProgress('indicators', ++done, lagging.length);
        return computeFeatures(symbol, sliceBars(cols, cols.days.findIndex((d) => d > after)), states.get(symbol)!.state);
      });
      await write(series);
    }
    for (let i = 0; i < fresh.length; i += READ_BATCH) {
      const batch = fresh.slice(i, i + READ_BATCH);
      const bars = await this.repos.candles.columnsSince(batch.filter((s) => !newSymbolBars.has(s)), '0001-01-01');
      for (const s of batch) if (newSymbolBars.has(s)) bars.set(s, newSymbolBars.get(s)!);
      const series: IndicatorSeries[] = [];
      for (const symbol of batch) {
        const after = indicatorLast.get(symbol) ?? '';
        const cols = bars.get(symbol)!;
        const keep = this.settings.featureHistoryDays;
        const firstAfter = cols.days.findIndex((d) => d > after);
        // Only days after the stored ones, and of those the last `keep`; the bars before only warm up.
        const firstNew = firstAfter < 0 ? -1 : Math.max(firstAfter, keep > 0 ? cols.days.length - keep : 0);
        if (firstNew >= 0) series.push(computeFeatures(symbol, cols, undefined, firstNew));
        this.onProgress('indicators', ++done, lagging.length);
      }
      await write(series);
    }
    const stored = await writes.finish();
    result.indicators = stored;
    return stored;
  }

  private async fundamentals(runId: number, asOf: TradingDay, result: PipelineResult, lastBars: () => LastBars): Promise<number> {
    const symbols = await this.symbols();
    if (this.market.getFundamentals) {
      const { rows, corrected } = await this.market.getFundamentals(symbols);
      result.fundamentals = await this.repos.pipeline.upsertFundamentals(asOf, this.market.name, rows);
      result.quarantined += await this.repos.pipeline.quarantineOnce(corrected.map((c) => ({
        runId, symbol: c.symbol, day: asOf, reason: c.reason, kind: 'flagged', raw: { source: this.market.name },
      })));
    }
    const candleLast = await lastBars();
    const metricsDays = await this.repos.pipeline.metricsDays();
    const stale = symbols.filter((s) => candleLast.has(s) && candleLast.get(s)!.day > (metricsDays.get(s) ?? ''));
    const metrics: DerivedMetrics[] = [];
    for (let i = 0; i < stale.length; i += INCREMENTAL_BATCH) {
      const batch = stale.slice(i, i + INCREMENTAL_BATCH);
      const bars = await this.recent.get(batch, addDays(asOf, -METRICS_CALENDAR_DAYS), (s) => candleLast.get(s)?.day);
      for (const s of batch) {
        const m = deriveMetrics(s, bars.get(s)!);
        if (m) metrics.push(m);
      }
    }
    result.metrics = await this.repos.pipeline.upsertMetrics(metrics);
    return result.fundamentals + result.metrics;
  }

  private async validation(asOf: TradingDay, result: PipelineResult): Promise<number> {
    const symbols = await this.symbols();
    const have = await this.repos.candles.countOn(asOf);
    result.coverage = symbols.length === 0 ? 0 : have / symbols.length;
    if (symbols.length > 0 && have === 0) {
      throw new OperationalError(`no symbol has a bar for ${asOf}: the provider has no data for that day`);
    }
    return have;
  }

  private async exports(result: PipelineResult, lastBars: () => LastBars): Promise<number> {
    if (!this.exporter) return 0;
    const exporter = this.exporter;
    const symbols = await this.symbols();
    const candleLast = await lastBars();
    let exported = 0;
    let done = 0;
    for (let i = 0; i < symbols.length; i += EXPORT_BATCH) {
      const batch = symbols.slice(i, i + EXPORT_BATCH);
      const marks = new Map(await Promise.all(batch.map(async (s) => [s, (await exporter.lastDay(s)) ?? ''] as const)));
      const behind = batch.filter((s) => (candleLast.get(s)?.day ?? '') > marks.get(s)!);
      if (behind.length > 0) {
        // One query for the batch, from the earliest day any of them lacks.
        const from = behind.map((s) => (marks.get(s) ? addDays(marks.get(s)!, 1) : '0001-01-01')).sort()[0]!;
        const bars = await this.repos.candles.columnsSince(behind, from);
        for (const symbol of behind) {
          const cols = bars.get(symbol)!;
          const rows = sliceBars(cols, cols.days.findIndex((d) => d > marks.get(symbol)!));
          await exporter.append(symbol, rows);
          exported += rows.days.length;
        }
      }
      done += batch.length;
      this.onProgress('exports', done, symbols.length);
    }
    result.exported += exported;
    return exported;
  }
}
