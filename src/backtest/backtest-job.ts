/** One whole backtest as the CLI (and later a job) runs it: load, run, measure, write the files. */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config.js';
import type { TradingDay } from '../domain/types.js';
import { UserError } from '../domain/errors.js';
import { RULE_STRATEGY } from '../picks/strategy.js';
import { isSignalRule } from '../../models/signal-rules.js';
import type { MarketMatrix } from './market-matrix.js';
import type { BacktestRunRepository } from '../ports/repositories.port.js';
import type { VolatilityGauge } from '../ports/volatility.port.js';
import type { RiskLimits } from '../trading/risk-limits.js';
import type { BacktestOptions, BacktestResult, BacktestService } from './backtest.service.js';
import { writeFile } from 'node:fs/promises';
import { writeBacktestReport } from './report-files.js';
import { monteCarlo, type MonteCarloResult } from './monte-carlo.js';
import { LocalSweepRunner, sweepSpecOf, type SweepContext, type SweepRunner, type SweepSpec } from './sweep.js';
import { walkForward, type WalkForwardResult } from './walk-forward.js';

/** Progress callbacks for a terminal: loading symbols, trading days, sweep points. */
export interface BacktestProgress {
  loading(done: number, total: number): void;
  day(day: TradingDay, index: number, total: number): void;
  sweep?(done: number, total: number): void;
}

/** The shape of a run id that `backtestId` makes (commands and the API check ids against it). */
export const BACKTEST_ID = /^\d{8}T\d{6}-[0-9a-f]{6}$/;

/** A new run id: the time and a random suffix, sortable. */
export function backtestId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(3).toString('hex')}`;
}

/** Where walk-forward tasks run when not in this process: given the run's id, spec and in-memory context,
 * a runner (e.g. the Agenda queue shared by workers) and how to let it go. */
export type SweepRunnerFactory = (runId: string, spec: SweepSpec, local: SweepContext) => Promise<{ runner: SweepRunner; close(): Promise<void> }>;

/** A strategy's scores for a backtest over `m` from day `from` to day `to`, resolved like the live picks;
 * null when it resolves to the rule. Notes say what the reader must know (e.g. days a model trained on). */
export type StrategyScoresFn = (strategy: string, m: MarketMatrix, from: TradingDay, to: TradingDay) => Promise<{ scores: NonNullable<BacktestOptions['scores']> | null; notes: string[] }>;

export interface BacktestExtras {
  /** Walk-forward optimisation with these window lengths (months). */
  walkForward?: { trainMonths: number; testMonths: number };
  /** Monte Carlo resampling of the trades, this many times. */
  monteCarlo?: number;
}

export async function runBacktestToFiles(
  service: BacktestService, config: AppConfig, limits: RiskLimits, opts: BacktestOptions & BacktestExtras & { out?: string },
  deps: {
    now: Date; volatility?: VolatilityGauge; progress?: BacktestProgress; serviceFor?: (c: AppConfig) => BacktestService;
    /** Run walk-forward tasks elsewhere (default: in this process). */
    sweeps?: SweepRunnerFactory;
    /** Where the run is recorded (for /backtests), and who asked for it. */
    runs?: BacktestRunRepository; requestedBy?: string;
    /** How a strategy other than the rule gets its scores (the registry's models; default: rule and baseline only). */
    strategyScores?: StrategyScoresFn;
  },
): Promise<{ id: string; result: BacktestResult; dir: string; files: string[]; walkForward: WalkForwardResult | null; monteCarlo: MonteCarloResult | null }> {
  // Walk-forward tunes the rule's stops and targets, so without a strategy named it backtests the rule.
  if (opts.walkForward && !opts.strategy) opts = { ...opts, strategy: RULE_STRATEGY };
  const { strategy, profile } = service.validate(opts);
  const id = backtestId(deps.now);
  await deps.runs?.start({ id, requestedBy: deps.requestedBy ?? 'cli', startedAt: deps.now, from: opts.from, to: opts.to, strategy, profile });
  try {
    const out = await runRecorded(id, service, config, limits, opts, deps);
    const m = out.result.metrics;
    await deps.runs?.finish(id, new Date(), {
      dir: out.dir,
      metrics: { totalReturn: m.totalReturn, benchmarkReturn: m.benchmarkReturn, sharpe: m.sharpe, maxDrawdown: m.maxDrawdown, trades: m.trades, cagr: m.cagr },
    });
    return { id, ...out };
  } catch (err) {
    await deps.runs?.finish(id, new Date(), { error: err instanceof Error ? err.message : String(err) }).catch(() => undefined);
    throw err;
  }
}

async function runRecorded(
  id: string, service: BacktestService, config: AppConfig, limits: RiskLimits, opts: BacktestOptions & BacktestExtras & { out?: string },
  deps: { volatility?: VolatilityGauge; progress?: BacktestProgress; serviceFor?: (c: AppConfig) => BacktestService; sweeps?: SweepRunnerFactory; strategyScores?: StrategyScoresFn },
): Promise<{ result: BacktestResult; dir: string; files: string[]; walkForward: WalkForwardResult | null; monteCarlo: MonteCarloResult | null }> {
  const t0 = performance.now();
  const m = await service.load(opts.symbols, deps.progress?.loading);
  const t1 = performance.now();
  // An index gauge (a VIX-like CSV) is read ahead for the days of the run; the default reads the matrix.
  let volatilityBefore: ((day: TradingDay) => { value: number; asOf: TradingDay } | null) | undefined;
  if (config.trading.breakers.volatility.source === 'index' && deps.volatility) {
    const readings = new Map<TradingDay, { value: number; asOf: TradingDay } | null>();
    for (const d of m.days.filter((x) => x >= opts.from && x <= opts.to)) readings.set(d, await deps.volatility.valueBefore(d));
    volatilityBefore = (d) => readings.get(d) ?? null;
  }
  const { strategy } = service.validate(opts);
  const chosen = strategy !== RULE_STRATEGY && strategy !== 'baseline' && !isSignalRule(strategy) && !opts.scores && deps.strategyScores ? await deps.strategyScores(strategy, m, opts.from, opts.to) : null;
  const runOpts = chosen ? { ...opts, strategy: chosen.scores ? strategy : RULE_STRATEGY, scores: chosen.scores ?? undefined } : opts;
  if (opts.walkForward && service.validate(runOpts).strategy !== RULE_STRATEGY) throw new UserError(`--walk-forward tunes the ${RULE_STRATEGY} rule's stops and targets: add --strategy ${RULE_STRATEGY}`);
  const run = service.run(m, runOpts, limits, deps.progress?.day, volatilityBefore, deps.volatility?.label);
  const partial = { ...run, notes: [...(chosen?.notes ?? []), ...run.notes] };
  const result: BacktestResult = { ...partial, seconds: { load: (t1 - t0) / 1000, run: (performance.now() - t1) / 1000 } };
  const dir = path.resolve(opts.out ?? path.join(config.varDir, 'backtests', id));
  const files = await writeBacktestReport(dir, result, config);
  let wf: WalkForwardResult | null = null;
  if (opts.walkForward) {
    if (!deps.serviceFor) throw new Error('walk-forward needs a service factory');
    const local: SweepContext = { matrix: m, config, limits, service: deps.serviceFor, volatilityBefore, volatilityLabel: deps.volatility?.label };
    const remote = deps.sweeps ? await deps.sweeps(id, sweepSpecOf(local, opts.symbols ?? null, m.days.filter((d) => d >= opts.from && d <= opts.to)), local) : null;
    const runner = remote?.runner ?? new LocalSweepRunner(local);
    try {
      wf = await walkForward(runner, { from: opts.from, to: opts.to, profile: result.options.profile, ...opts.walkForward, onProgress: deps.progress?.sweep });
    } finally {
      await remote?.close();
    }
    const file = path.join(dir, 'walk-forward.json');
    await writeFile(file, `${JSON.stringify(wf, null, 2)}\n`);
    files.push(file);
  }
  let mc: MonteCarloResult | null = null;
  if (opts.monteCarlo) {
    mc = monteCarlo(result.run.trades.map((t) => t.pnl), result.run.startingCash, opts.monteCarlo);
    const file = path.join(dir, 'monte-carlo.json');
    await writeFile(file, `${JSON.stringify(mc, null, 2)}\n`);
    files.push(file);
  }
  return { result, dir, files, walkForward: wf, monteCarlo: mc };
}
