/** Daily picks for both risk profiles from the latest indicators before the trading day, by the strategy
 * `trading.strategy` resolves to (src/picks/strategy.ts): the rule's own qualification and ranking, or the
 * day's top scores of the baseline or of a registered model. */
import type { AppConfig } from '../config.js';
import { OperationalError } from '../domain/errors.js';
import type { Pick as StockPick, RiskProfile, TradingDay } from '../domain/types.js';
import { addDays } from '../market/market-time.js';
import type { Repositories } from '../ports/repositories.port.js';
import { rankPicks } from './momentum.strategy.js';
import type { IndicatorRow } from '../market/indicators.js';
import { signalRuleScore } from '../../models/signal-rules.js';
import { topScorePicks } from './score-picks.js';
import { resolveStrategy, type TradedStrategy } from './strategy.js';
import { baselineScoresOn, fullMatrixThrough, strategyScores, type ModelScorer } from './strategy-scores.js';

export const PROFILES: readonly RiskProfile[] = ['conservative', 'aggressive'];

/** What a picks run produced. */
export interface PicksRun {
  signalDay: TradingDay;
  strategy: TradedStrategy;
  picks: Record<RiskProfile, StockPick[]>;
}

export class PicksService {
  constructor(
    private readonly repos: Pick<Repositories, 'indicators' | 'instruments' | 'picks' | 'candles' | 'models'>,
    private readonly config: Pick<AppConfig, 'trading' | 'picks' | 'models'>,
    private readonly scorer: ModelScorer,
  ) {}

  /** Compute and store the picks for trading day `day` from the last indicator day before it. */
  async run(day: TradingDay): Promise<PicksRun> {
    const signalDay = await this.repos.indicators.latestDayOnOrBefore(addDays(day, -1));
    if (!signalDay) throw new OperationalError(`no indicators before ${day}: run the pipeline first`);
    const strategy = await resolveStrategy(this.config, this.repos.models);
    const rows = await this.repos.indicators.onDay(signalDay);
    const instruments = new Map((await this.repos.instruments.list()).map((i) => [i.symbol, i]));
    const scoreOf = await this.scoresOn(strategy, signalDay, rows);
    const picks = {} as Record<RiskProfile, StockPick[]>;
    for (const profile of PROFILES) {
      const p = this.config.picks.profiles[profile];
      picks[profile] = scoreOf ? topScorePicks(day, profile, rows, scoreOf, p, strategy.name) : rankPicks(day, profile, rows, instruments, p);
      await this.repos.picks.replace(day, profile, picks[profile]);
    }
    return { signalDay, strategy, picks };
  }

  /** The strategy's score of each symbol on the signal day (null for the rule), from the stored bars up to
   * that day only. */
  private async scoresOn(strategy: TradedStrategy, signalDay: TradingDay, rows: readonly IndicatorRow[]): Promise<((symbol: string) => number) | null> {
    const { source } = strategy;
    if (source.kind === 'rule') return null;
    if (source.kind === 'signal') {
      // The stored features of the signal day, which equal a recomputation over the whole history.
      const scores = new Map(rows.map((r) => [r.symbol, signalRuleScore(source.name, r.close, (f) => r[f] ?? Number.NaN)]));
      return (symbol) => scores.get(symbol) ?? Number.NaN;
    }
    if (strategy.source.kind === 'baseline') {
      const scores = await baselineScoresOn(this.repos, signalDay);
      return (symbol) => scores.get(symbol) ?? Number.NaN;
    }
    const m = await fullMatrixThrough(this.repos, signalDay);
    const d = m.days.length - 1;
    const values = (await strategyScores(strategy.source, m, d, d, { scorer: this.scorer, registry: this.repos.models }))!;
    const index = new Map(m.symbols.map((s, i) => [s, i]));
    return (symbol) => {
      const s = index.get(symbol);
      return s === undefined ? Number.NaN : values[d * m.symbols.length + s]!;
    };
  }
}
