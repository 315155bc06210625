/** Sweep tasks: one backtest of one parameter point over one span, reduced to the figures a walk-forward
 * choice needs. A `SweepRunner` runs a batch of them: in this process (`LocalSweepRunner`) or queued as
 * Agenda jobs that every `tiller worker` on the same PostgreSQL shares (jobs/backtest-sweep.ts). Both give
 * the same figures for the same task, so a walk-forward run does not depend on where its points ran. */
import type { AppConfig } from '../config.js';
import type { RiskProfile, TradingDay } from '../domain/types.js';
import type { RiskLimits } from '../trading/risk-limits.js';
import type { BacktestService } from './backtest.service.js';
import type { MarketMatrix } from './market-matrix.js';
import { RULE_STRATEGY } from '../picks/strategy.js';

/** One point of the grid: the traded profile's ATR stop and target, and the time exit. */
export interface SweepPoint {
  stopAtr: number;
  targetAtr: number;
  maxHoldingDays: number;
}

/** One backtest to run: a point over a span, for a profile. */
export interface SweepTask {
  point: SweepPoint;
  from: TradingDay;
  to: TradingDay;
  profile: RiskProfile;
}

/** What a walk-forward choice reads from one task's backtest. */
export interface SweepOutcome {
  totalReturn: number;
  sharpe: number | null;
  maxDrawdown: number;
  trades: number;
}

/** The breaker's volatility reading before a day, when it is an index rather than the matrix's median ATR. */
export type VolatilityBefore = (day: TradingDay) => { value: number; asOf: TradingDay } | null;

/** Runs a batch of tasks; outcomes come back in the tasks' order. */
export interface SweepRunner {
  /** Where the tasks run, for the report: "in-process" or the queue's name. */
  readonly where: string;
  run(tasks: readonly SweepTask[], onDone?: () => void): Promise<SweepOutcome[]>;
}

/** Apply a grid point to a copy of the config. */
export function withPoint(config: AppConfig, profile: RiskProfile, p: SweepPoint): AppConfig {
  return {
    ...config,
    picks: { ...config.picks, profiles: { ...config.picks.profiles, [profile]: { ...config.picks.profiles[profile], stopAtr: p.stopAtr, targetAtr: p.targetAtr } } },
    trading: { ...config.trading, exits: { ...config.trading.exits, maxHoldingDays: p.maxHoldingDays } },
  };
}

/** Everything one task's backtest reads besides the task itself. */
export interface SweepContext {
  matrix: MarketMatrix;
  config: AppConfig;
  limits: RiskLimits;
  service: (c: AppConfig) => BacktestService;
  volatilityBefore?: VolatilityBefore;
  volatilityLabel?: string;
}

/** Run one task. */
export function runSweepTask(c: SweepContext, t: SweepTask): SweepOutcome {
  const r = c.service(withPoint(c.config, t.profile, t.point)).run(c.matrix, { from: t.from, to: t.to, profile: t.profile, strategy: RULE_STRATEGY }, c.limits, undefined, c.volatilityBefore, c.volatilityLabel);
  return { totalReturn: r.metrics.totalReturn, sharpe: r.metrics.sharpe, maxDrawdown: r.metrics.maxDrawdown, trades: r.metrics.trades };
}

/** Runs every task here, one after another, on a matrix already in memory. */
export class LocalSweepRunner implements SweepRunner {
  readonly where = 'in-process';

  constructor(private readonly c: SweepContext) {}

  async run(tasks: readonly SweepTask[], onDone?: () => void): Promise<SweepOutcome[]> {
    const out: SweepOutcome[] = [];
    for (const t of tasks) {
      out.push(runSweepTask(this.c, t));
      onDone?.();
    }
    return out;
  }
}

/** What a worker needs to run a queued task exactly as the process that queued it would: the config
 * sections the backtest reads, the risk limits in force, the universe, and the volatility readings when
 * the breaker reads an index. Stored once per run (JSON). */
export interface SweepSpec {
  config: Pick<AppConfig, 'trading' | 'picks' | 'market' | 'schedule'>;
  limits: RiskLimits;
  /** The universe (null: every stored symbol). */
  symbols: string[] | null;
  /** The last day of the queuing process's data: a worker whose matrix ends earlier reloads it. */
  dataThrough: TradingDay;
  volatility: { label: string; readings: Array<[TradingDay, number, TradingDay]> } | null;
}

/** The spec of a run from the context it runs in. */
export function sweepSpecOf(c: SweepContext, symbols: string[] | null, days: readonly TradingDay[]): SweepSpec {
  const { trading, picks, market, schedule } = c.config;
  const vb = c.volatilityBefore;
  const readings: Array<[TradingDay, number, TradingDay]> = [];
  if (vb) {
    for (const d of days) {
      const r = vb(d);
      if (r) readings.push([d, r.value, r.asOf]);
    }
  }
  return {
    config: { trading, picks, market, schedule }, limits: c.limits, symbols, dataThrough: c.matrix.days.at(-1) ?? '0001-01-01',
    volatility: vb ? { label: c.volatilityLabel ?? 'index', readings } : null,
  };
}

/** The readings of a spec as the engine reads them. */
export function volatilityOfSpec(spec: SweepSpec): VolatilityBefore | undefined {
  if (!spec.volatility) return undefined;
  const byDay = new Map(spec.volatility.readings.map(([d, value, asOf]) => [d, { value, asOf }]));
  return (d) => byDay.get(d) ?? null;
}
