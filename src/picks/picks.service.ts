/** Daily picks for both risk profiles from the latest indicators before the trading day, among the symbols
 * that pass screening (src/picks/screening.ts; each exclusion is stored with its reason): one set per
 * strategy (the baseline, the momentum rule, the other rule strategies, and each model kind with an active
 * version), and the one `trading.strategy` resolves to (src/picks/strategy.ts) marked as traded. The other
 * sets are kept beside it, so what each would have picked is on record. A strategy that fails (a model's
 * artefact gone) is reported and skipped; only the traded one failing fails the job. */
import type { AppConfig } from '../config.js';
import { OperationalError } from '../domain/errors.js';
import type { Instrument, Pick as StockPick, RiskProfile, TradingDay } from '../domain/types.js';
import type { IndicatorRow } from '../market/indicators.js';
import { addDays } from '../market/market-time.js';
import type { ModelRecord, PickSet, Repositories } from '../ports/repositories.port.js';
import type { MarketMatrix } from '../backtest/market-matrix.js';
import { SIGNAL_RULES, signalRuleScore } from '../../models/signal-rules.js';
import { rankPicks } from './momentum.strategy.js';
import { topScorePicks } from './score-picks.js';
import { riskScores, withDetails } from './pick-details.js';
import { FundamentalsTimeline, screenRows } from './screening.js';
import type { PickRationales, RationaleRun } from './pick-rationales.js';
import { modelKinds, resolveStrategy, sourceName, strategyKey, type StrategySource, type TradedStrategy } from './strategy.js';
import { baselineScoresOn, strategyScores, type ModelScorer } from './strategy-scores.js';
import type { BacktestService } from '../backtest/backtest.service.js';
import type { PicksExport } from '../ports/picks-export.port.js';
import { matrixThrough } from '../training/fold-tasks.js';

export const PROFILES: readonly RiskProfile[] = ['conservative', 'aggressive'];

/** What a picks run produced. */
export interface PicksRun {
  signalDay: TradingDay;
  strategy: TradedStrategy;
  /** The traded strategy's picks. */
  picks: Record<RiskProfile, StockPick[]>;
  /** The other strategies whose picks were stored beside them. */
  others: string[];
  /** Strategies that could not pick today, and why. */
  failed: Array<{ strategy: string; error: string }>;
  /** The CSV file the day's picks were exported to (null: no export). */
  exported: string | null;
  /** What the local LLM wrote (null: no rationale step). */
  rationale: RationaleRun | null;
  /** Symbols screened on the signal day, and how many each stage left out. */
  screened: { symbols: number; tradeability: number; fundamentals: number };
}

type ScoreOf = ((symbol: string) => number) | null;

export class PicksService {
  constructor(
    private readonly repos: Pick<Repositories, 'indicators' | 'instruments' | 'picks' | 'candles' | 'models' | 'screening'>,
    private readonly config: Pick<AppConfig, 'trading' | 'picks' | 'models' | 'market'>,
    private readonly scorer: ModelScorer,
    /** Every stored bar with its features, as the backtester and training load it: a model must see the
     * features as it was trained on them, and those with a memory (OBV, the long EMAs) depend on where a
     * series starts. */
    private readonly market: Pick<BacktestService, 'load'>,
    /** Where the day's picks are exported as CSV once stored (none: no export). */
    private readonly exporter: PicksExport | null = null,
    /** A local LLM's rationale for the traded picks, asked after they are stored (none: the template). */
    private readonly rationales: PickRationales | null = null,
  ) {}

  /** Compute and store the picks for trading day `day` from the last indicator day before it. */
  async run(day: TradingDay): Promise<PicksRun> {
    const signalDay = await this.repos.indicators.latestDayOnOrBefore(addDays(day, -1));
    if (!signalDay) throw new OperationalError(`no indicators before ${day}: run the pipeline first`);
    const strategy = await resolveStrategy(this.config, this.repos.models);
    const fundamentals = new FundamentalsTimeline(await this.repos.instruments.fundamentalsHistory());
    const all = await this.repos.indicators.onDay(signalDay);
    const { eligible: rows, excluded } = screenRows(all, signalDay, fundamentals, this.config.picks.screening, this.config.market.currency);
    const instruments = new Map((await this.repos.instruments.list()).map((i) => [i.symbol, i]));
    const rowOf = new Map(rows.map((r) => [r.symbol, r]));
    const risk = riskScores(rows);
    const detailed = (picks: StockPick[]) => withDetails(
      picks, (s) => rowOf.get(s), risk, (s) => fundamentals.on(s, signalDay), (s) => instruments.get(s)?.sector ?? null, this.config.picks.recommendation,
    );
    const tradedKey = strategyKey(strategy.source);
    const sources = await this.allSources(strategy.source);
    let matrix: Promise<MarketMatrix> | null = null;
    const matrixOnce = () => (matrix ??= this.market.load().then((m) => matrixThrough(m, signalDay)));
    const sets: Record<RiskProfile, PickSet[]> = { conservative: [], aggressive: [] };
    const failed: PicksRun['failed'] = [];
    for (const source of sources) {
      const key = strategyKey(source);
      let scoreOf: ScoreOf;
      try {
        scoreOf = await this.scoresOn(source, signalDay, rows, matrixOnce);
      } catch (err) {
        if (key === tradedKey) throw err;
        failed.push({ strategy: key, error: err instanceof Error ? err.message : String(err) });
        continue;
      }
      for (const profile of PROFILES) {
        sets[profile].push({ strategy: key, traded: key === tradedKey, picks: detailed(this.picksOf(source, scoreOf, day, profile, rows, instruments)) });
      }
    }
    for (const profile of PROFILES) await this.repos.picks.replaceDay(day, profile, sets[profile]);
    await this.repos.screening.replaceDay(day, excluded);
    const rationale = (await this.rationales?.writeFor(day, sets)) ?? null;
    const exported = (await this.exporter?.writeDay(day, sets)) ?? null;
    const traded = (profile: RiskProfile) => sets[profile].find((x) => x.traded)?.picks ?? [];
    return {
      signalDay, strategy, picks: { conservative: traded('conservative'), aggressive: traded('aggressive') },
      others: sets.conservative.filter((x) => !x.traded).map((x) => x.strategy), failed, exported, rationale,
      screened: { symbols: all.length, tradeability: excluded.filter((x) => x.stage === 'tradeability').length, fundamentals: excluded.filter((x) => x.stage === 'fundamentals').length },
    };
  }

  /** Every strategy that picks today: the baseline, the rules, each model kind's active version, and the
   * traded one (a chosen model may not be active). The traded one first. */
  private async allSources(traded: StrategySource): Promise<StrategySource[]> {
    const kinds = modelKinds(this.config.models);
    const active = (await Promise.all(kinds.map((k) => this.repos.models.active(k)))).filter((r): r is ModelRecord => r !== null);
    const all: StrategySource[] = [
      traded, { kind: 'baseline' }, { kind: 'rule' }, ...SIGNAL_RULES.map((name) => ({ kind: 'signal', name }) as const),
      ...active.map((record) => ({ kind: 'model', record }) as const),
    ];
    const seen = new Set<string>();
    return all.filter((s) => !seen.has(strategyKey(s)) && seen.add(strategyKey(s)));
  }

  private picksOf(source: StrategySource, scoreOf: ScoreOf, day: TradingDay, profile: RiskProfile, rows: readonly IndicatorRow[], instruments: Map<string, Instrument>): StockPick[] {
    const p = this.config.picks.profiles[profile];
    return scoreOf
      ? topScorePicks(day, profile, rows, scoreOf, p, sourceName(source), (symbol) => instruments.get(symbol)?.marketCap ?? null)
      : rankPicks(day, profile, [...rows], instruments, p);
  }

  /** A strategy's score of each symbol on the signal day (null for the momentum rule, which ranks its own
   * qualifiers), from the stored data up to that day only. */
  private async scoresOn(source: StrategySource, signalDay: TradingDay, rows: readonly IndicatorRow[], matrix: () => Promise<MarketMatrix>): Promise<ScoreOf> {
    if (source.kind === 'rule') return null;
    if (source.kind === 'signal') {
      // The stored features of the signal day, which equal a recomputation over the whole history.
      const scores = new Map(rows.map((r) => [r.symbol, signalRuleScore(source.name, r.close, (f) => r[f] ?? Number.NaN)]));
      return (symbol) => scores.get(symbol) ?? Number.NaN;
    }
    if (source.kind === 'baseline') {
      const scores = await baselineScoresOn(this.repos, signalDay);
      return (symbol) => scores.get(symbol) ?? Number.NaN;
    }
    const m = await matrix();
    const d = m.days.length - 1;
    const values = (await strategyScores(source, m, d, d, { scorer: this.scorer, registry: this.repos.models }))!;
    const index = new Map(m.symbols.map((s, i) => [s, i]));
    return (symbol) => {
      const s = index.get(symbol);
      return s === undefined ? Number.NaN : values[d * m.symbols.length + s]!;
    };
  }
}
