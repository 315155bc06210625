/** `tiller backtest`: loads the stored candles once, computes every feature in memory, runs the backtest
 * driver over the chosen days and measures the result against the equal-weight universe. */
import { STRATEGY_NAMES, type AppConfig, type ProfileConfig } from '../config.js';
import { BASELINE, momentum121 } from '../../models/baseline.js';
import { isSignalRule, signalRuleScores } from '../../models/signal-rules.js';
import { RULE_STRATEGY } from '../picks/strategy.js';
import { UserError } from '../domain/errors.js';
import type { Pick as StockPick, RiskProfile, TradingDay } from '../domain/types.js';
import { tradingDaysPerYear, type MarketCalendar } from '../market/calendar.js';
import { cronTimeOfDay } from '../market/schedule-time.js';
import type { Repositories } from '../ports/repositories.port.js';
import { PROFILES } from '../picks/picks.service.js';
import { topScorePicks } from '../picks/score-picks.js';
import { rankPicks } from '../picks/momentum.strategy.js';
import { FundamentalsTimeline, screenRows } from '../picks/screening.js';
import type { IndicatorRow } from '../market/indicators.js';
import type { RiskLimits } from '../trading/risk-limits.js';
import { runBacktest, type BacktestRun } from './backtest-engine.js';
import { buildMarketMatrix, type MarketMatrix } from './market-matrix.js';
import { computeMetrics, type BacktestMetrics } from './metrics.js';

/** The strategies a backtest can trade: those `trading.strategy` may name (src/picks/strategy.ts). */
export const STRATEGIES = STRATEGY_NAMES;

/** A backtest request (the CLI's and the chat's options). */
export interface BacktestOptions {
  from: TradingDay;
  to: TradingDay;
  strategy?: string;
  profile?: string;
  /** Restrict the universe to these symbols (default: every stored symbol). */
  symbols?: string[];
  /** Trade a model's daily top N instead of the rule: its scores, day-major over the matrix the run gets
   * ([d * S + s], NaN = no score). A strategy other than the rule and the baseline needs them (the
   * registry's models: runBacktestToFiles resolves them). */
  scores?: { model: string; values: Float64Array };
  /** Trade stored picks instead (a shadow portfolio): each trading day's picks, by day. */
  picks?: { strategy: string; byDay: ReadonlyMap<TradingDay, StockPick[]> };
}

/** A finished backtest with its metrics and timings. */
export interface BacktestResult {
  options: { from: TradingDay; to: TradingDay; strategy: string; profile: RiskProfile; symbols: number };
  /** What the run changed or could not do, e.g. a period cut to the stored data. */
  notes: string[];
  run: BacktestRun;
  metrics: BacktestMetrics;
  /** The equal-weight universe, rebalanced daily, starting at the starting cash: the start, then each day. */
  benchmark: number[];
  bars: number;
  seconds: { load: number; run: number };
}

export class BacktestService {
  constructor(
    private readonly repos: Pick<Repositories, 'candles' | 'instruments'>,
    private readonly config: AppConfig,
    private readonly calendar: MarketCalendar,
  ) {}

  /** Check the options before any work: unknown strategy or profile, bad dates. */
  validate(o: BacktestOptions): { strategy: string; profile: RiskProfile } {
    const strategy = o.scores?.model ?? o.picks?.strategy ?? o.strategy ?? this.config.trading.strategy;
    if (!o.scores && !o.picks && !(STRATEGIES as readonly string[]).includes(strategy)) throw new UserError(`unknown strategy "${strategy}"; strategies: ${STRATEGIES.join(', ')}`);
    const profile = (o.profile ?? this.config.trading.profile) as RiskProfile;
    if (!PROFILES.includes(profile)) throw new UserError(`unknown profile "${o.profile}"; profiles: ${PROFILES.join(', ')}`);
    if (o.from > o.to) throw new UserError(`--from ${o.from} is after --to ${o.to}`);
    return { strategy, profile };
  }

  /** Every stored bar of the universe, with features, in memory. */
  async load(symbols?: string[], onProgress?: (done: number, total: number) => void): Promise<MarketMatrix> {
    const instruments = await this.repos.instruments.list();
    const wanted = symbols && symbols.length > 0 ? new Set(symbols) : null;
    if (wanted) {
      const unknown = [...wanted].filter((s) => !instruments.some((i) => i.symbol === s));
      if (unknown.length > 0) throw new UserError(`no stored data for ${unknown.join(', ')}; run the pipeline for them first`);
    }
    const chosen = instruments.filter((i) => !wanted || wanted.has(i.symbol));
    if (chosen.length === 0) throw new UserError('no stored market data: run `tiller run pipeline` (or a replay) first');
    const bars = await this.repos.candles.columnsSince(chosen.map((i) => i.symbol), '0001-01-01');
    const fundamentals = new FundamentalsTimeline(await this.repos.instruments.fundamentalsHistory());
    return { ...buildMarketMatrix(bars, new Map(chosen.map((i) => [i.symbol, i])), onProgress), fundamentals };
  }

  /** What the backtest buys each day: stored picks as they are (they were screened when made), else the
   * model's top scores or the live rule among the symbols that pass screening on the signal day, as the
   * live picks screen them. */
  private picker(m: MarketMatrix, o: BacktestOptions, profile: RiskProfile): (day: TradingDay, signal: number, rows: IndicatorRow[]) => StockPick[] {
    if (o.picks) return (day) => o.picks!.byDay.get(day) ?? [];
    const timeline = m.fundamentals ?? new FundamentalsTimeline([]);
    const screened = (signal: number, rows: IndicatorRow[]) => screenRows(rows, m.days[signal]!, timeline, this.config.picks.screening, this.config.market.currency).eligible;
    const p = this.config.picks.profiles[profile];
    if (o.scores) {
      const top = scorePicker(m, o.scores, profile, p);
      return (day, signal, rows) => top(day, signal, screened(signal, rows));
    }
    return (day, signal, rows) => rankPicks(day, profile, screened(signal, rows), m.instruments, p);
  }

  run(
    m: MarketMatrix, o: BacktestOptions, limits: RiskLimits, onDay?: (day: TradingDay, i: number, n: number) => void,
    volatilityBefore?: (day: TradingDay) => { value: number; asOf: TradingDay } | null, volatilityLabel?: string,
  ): Omit<BacktestResult, 'seconds'> {
    const { strategy, profile } = this.validate(o);
    if (!o.scores && !o.picks && strategy === 'baseline') return this.run(m, { ...o, scores: { model: BASELINE, values: momentum121(m) } }, limits, onDay, volatilityBefore, volatilityLabel);
    if (!o.scores && !o.picks && isSignalRule(strategy)) return this.run(m, { ...o, scores: { model: strategy, values: signalRuleScores(m, strategy) } }, limits, onDay, volatilityBefore, volatilityLabel);
    if (!o.scores && !o.picks && strategy !== RULE_STRATEGY) throw new UserError(`strategy ${strategy} reads the model registry: run it with \`tiller backtest\` or /backtest`);
    const first = m.days[0];
    const last = m.days.at(-1);
    if (!first || !last || o.to < first || o.from > last) throw new UserError(`the stored data covers ${first ?? '-'} to ${last ?? '-'}; choose --from and --to inside it`);
    const notes: string[] = [];
    const to = o.to > last ? last : o.to;
    if (to !== o.to) notes.push(`stored data ends ${last}: the backtest runs to ${last} (run the pipeline for later days first)`);
    if (o.from < first) notes.push(`stored data starts ${first}: the first days have no signals and features are still warming up`);
    const run = runBacktest(m, {
      from: o.from, to, profile, trading: this.config.trading, profiles: this.config.picks.profiles, limits,
      market: this.config.market, tradeTime: cronTimeOfDay(this.config.schedule.trade), monitorTime: cronTimeOfDay(this.config.schedule.monitor),
      calendar: this.calendar, onDay, volatilityBefore, volatilityLabel, picker: this.picker(m, o, profile),
    });
    if (run.days.length === 0) throw new UserError(`no trading day with data between ${o.from} and ${o.to}`);
    const benchmark = equalWeight(m, run.days.map((d) => d.day), this.config.trading.startingCash);
    let tradedValue = 0;
    let costs = 0;
    const slip = this.config.trading.paper.slippageBps / 10_000;
    const typeOf = new Map(run.orders.map((x) => [x.clientOrderId, x.type]));
    for (const f of run.fills) {
      tradedValue += f.price * f.qty;
      const slipped = typeOf.get(f.clientOrderId) === 'market' || typeOf.get(f.clientOrderId) === 'stop';
      const ref = slipped ? f.price / (f.side === 'buy' ? 1 + slip : 1 - slip) : f.price;
      costs += f.fee + Math.abs(f.price - ref) * f.qty;
    }
    const metrics = computeMetrics({
      curve: run.days, startEquity: run.startingCash, trades: run.trades, tradedValue, costs, benchmark,
      perYear: tradingDaysPerYear(this.config.market.kind),
    });
    const bars = run.days.length * m.symbols.length;
    return { options: { from: o.from, to, strategy, profile, symbols: m.symbols.length }, notes, run, metrics, benchmark, bars };
  }
}

/** Picks of a model's daily top N by its scores on the signal day (`rows`: the screened symbols). */
function scorePicker(m: MarketMatrix, scores: NonNullable<BacktestOptions['scores']>, profile: RiskProfile, p: ProfileConfig) {
  const S = m.symbols.length;
  const index = new Map(m.symbols.map((x, i) => [x, i]));
  return (day: TradingDay, signal: number, rows: IndicatorRow[]) =>
    topScorePicks(day, profile, rows, (symbol) => scores.values[signal * S + index.get(symbol)!]!, p, scores.model, (symbol) => m.instruments.get(symbol)?.marketCap ?? null);
}

/** An equal-weight portfolio of every symbol with bars on consecutive days, rebalanced each day. */
export function equalWeight(m: MarketMatrix, days: readonly TradingDay[], start: number): number[] {
  const S = m.symbols.length;
  const idx = new Map(m.days.map((d, i) => [d, i]));
  const out = [start];
  let v = start;
  for (const day of days) {
    const d = idx.get(day)!;
    let sum = 0;
    let n = 0;
    if (d > 0) {
      for (let s = 0; s < S; s++) {
        const a = m.close[(d - 1) * S + s]!;
        const b = m.close[d * S + s]!;
        if (a > 0 && b > 0) {
          sum += b / a - 1;
          n++;
        }
      }
    }
    v *= 1 + (n > 0 ? sum / n : 0);
    out.push(v);
  }
  return out;
}
