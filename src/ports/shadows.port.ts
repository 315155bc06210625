import type { RiskProfile, TradingDay } from '../domain/types.js';

/** A (strategy, profile)'s shadow paper portfolio as of its last day. */
export interface ShadowPortfolio {
  strategy: string;
  profile: RiskProfile;
  /** Whether it is the set the live account trades (its latest picks were marked traded). */
  traded: boolean;
  firstDay: TradingDay;
  asOf: TradingDay;
  /** Trading days live. */
  days: number;
  equity: number;
  totalReturn: number;
  sharpe: number | null;
  maxDrawdown: number;
  /** Share of closed trades that made money (null: none closed). */
  hitRate: number | null;
  trades: number;
}

/** The shadow portfolios, replaced together after each day. */
export interface ShadowRepository {
  /** Replace every stored shadow portfolio with `rows` (they are recomputed whole). */
  replaceAll(rows: ShadowPortfolio[]): Promise<void>;
  /** By total return, best first. */
  list(): Promise<ShadowPortfolio[]>;
}
