import type { Pick, RiskProfile, TradingDay } from '../domain/types.js';

/** One strategy's picks for a day and profile; one set of the day is the traded one. */
export interface PickSet {
  /** The strategy's name as `trading.strategy` names it (baseline, momentum-trend, trees-gbt, …). */
  strategy: string;
  traded: boolean;
  picks: Pick[];
}

/** A stored pick with the strategy it belongs to. */
export type StoredPick = Pick & { strategy: string; traded: boolean };

/** The picks of every day, profile and strategy, with the traded set marked. */
export interface PickRepository {
  /** Replace every pick of one day and profile with these sets, in one transaction (reruns replace, never
   * duplicate; exactly the sets given remain). */
  replaceDay(day: TradingDay, profile: RiskProfile, sets: PickSet[]): Promise<void>;
  /** Replace a day and profile with one traded set whose strategy is its picks' model (hand-made picks). */
  replace(day: TradingDay, profile: RiskProfile, picks: Pick[]): Promise<void>;
  /** The traded picks of a day (one profile or both), by profile and rank. */
  forDay(day: TradingDay, profile?: RiskProfile): Promise<Pick[]>;
  /** A day's picks of one strategy (default: the traded one), one profile or both, by profile and rank. */
  query(day: TradingDay, f: { profile?: RiskProfile; strategy?: string }): Promise<StoredPick[]>;
  /** Every strategy's picks of one symbol on a day (both profiles), the traded set first. */
  ofSymbol(day: TradingDay, symbol: string): Promise<StoredPick[]>;
  /** The strategies with picks on a day, the traded one first. */
  strategiesOn(day: TradingDay): Promise<string[]>;
  /** Every (strategy, profile) that ever picked: its first picks day, and whether its latest set was traded. */
  combinations(): Promise<Array<{ strategy: string; profile: RiskProfile; firstDay: TradingDay; traded: boolean }>>;
  /** One strategy's picks for one profile, by day. */
  history(strategy: string, profile: RiskProfile): Promise<Map<TradingDay, Pick[]>>;
  /** The latest day with picks stored, or null. */
  latestDay(): Promise<TradingDay | null>;
  /** Store a pick's rationale (written after the picks, e.g. by the local LLM). */
  setRationale(day: TradingDay, profile: RiskProfile, strategy: string, symbol: string, rationale: string): Promise<void>;
}
