/** Core domain types. Prices are in the market's currency; timestamps are UTC instants; trading days are
 * ISO dates (YYYY-MM-DD) in the market's own time zone. */

/** An ISO date, YYYY-MM-DD, in the market's time zone. */
export type TradingDay = string;

export interface Instrument {
  symbol: string;
  name: string;
  sector: string | null;
  marketCap: number | null;
}

/** One daily OHLCV bar. */
export interface Candle {
  symbol: string;
  day: TradingDay;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** One symbol's daily bars as columns, oldest first: bar i is `days[i]` with `open[i]` … `volume[i]`. Raw
 * provider bars use NaN for an empty or non-numeric cell; validated bars are all finite. */
export interface BarColumns {
  days: TradingDay[];
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** The numeric fields of a bar, in column order. */
export const BAR_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;

/** A raw row from a provider before validation: any field may be missing or non-numeric. */
export interface RawCandle {
  symbol: string;
  day: string;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
  volume: number | null;
}

/** Fundamentals of one instrument as a provider reports them; null where unknown. Ratios are fractions. */
export interface Fundamentals {
  symbol: string;
  marketCap: number | null;
  pe: number | null;
  pb: number | null;
  ps: number | null;
  eps: number | null;
  dividendYield: number | null;
  ebitda: number | null;
  roe: number | null;
  beta: number | null;
  debtToEquity: number | null;
  profitMargin: number | null;
  revenueGrowth: number | null;
  earningsGrowth: number | null;
  week52Low: number | null;
  week52High: number | null;
}

/** Metrics derived from stored bars for one symbol and day. */
export interface DerivedMetrics {
  symbol: string;
  day: TradingDay;
  volatility20: number | null;
  volatility60: number | null;
  atrPct: number | null;
  avgTurnover20: number | null;
  high52w: number | null;
  low52w: number | null;
  pctFromHigh52w: number | null;
  bars: number;
}

export type RiskProfile = 'conservative' | 'aggressive';

export interface Pick {
  day: TradingDay;
  profile: RiskProfile;
  symbol: string;
  rank: number;
  score: number;
  confidence: number;
  entry: number;
  target: number;
  stopLoss: number;
  model: string;
  rationale: string;
  /** What the live picks add for the trader (absent in a backtest, and on picks stored before them). */
  details?: PickDetails;
}

export const RECOMMENDATIONS = ['strong buy', 'buy', 'hold', 'sell', 'strong sell'] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

/** A live pick's risk, recommendation, sector and the numbers it was picked on. */
export interface PickDetails {
  /** 0–1, lower is safer: the symbol's volatility (ATR % and 20-day volatility) ranked among the day's screened symbols. */
  riskScore: number;
  /** From the score by `picks.recommendation`'s thresholds. */
  recommendation: Recommendation;
  sector: string | null;
  /** The indicators of the signal day and the fundamentals known then (null: no value). */
  snapshot: Record<string, number | null>;
}

export type OrderSide = 'buy' | 'sell';
export type OrderType = 'market' | 'limit' | 'stop' | 'stop_limit';
/** `partially_filled` is final: part of the order filled and the rest was cancelled (day orders). */
export type OrderStatus = 'new' | 'submitted' | 'filled' | 'partially_filled' | 'cancelled' | 'rejected';
export const FINAL_ORDER_STATUSES: readonly OrderStatus[] = ['filled', 'partially_filled', 'cancelled', 'rejected'];
/** Why an order exists: it is part of the client order id. */
export type OrderReason = 'entry' | 'stop' | 'target' | 'trailing_stop' | 'time_exit' | 'sell_signal' | 'halt' | 'manual';

export interface Order {
  clientOrderId: string;
  day: TradingDay;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  qty: number;
  /** Limit price of limit and stop-limit orders. */
  limitPrice: number | null;
  /** Trigger price of stop and stop-limit orders. */
  stopPrice: number | null;
  reason: OrderReason;
  status: OrderStatus;
  pickProfile: RiskProfile | null;
  createdAt: Date;
}

export interface Fill {
  clientOrderId: string;
  symbol: string;
  side: OrderSide;
  qty: number;
  price: number;
  fee: number;
  at: Date;
}

export interface Position {
  symbol: string;
  qty: number;
  avgPrice: number;
  stopLoss: number;
  target: number;
  openedDay: TradingDay;
  profile: RiskProfile | null;
  /** Highest price seen since entry (the day's high after each close); trailing stops follow it. */
  highWater: number;
  /** The model whose pick opened the position. */
  model: string | null;
}

export interface ClosedTrade {
  symbol: string;
  qty: number;
  entryPrice: number;
  exitPrice: number;
  pnl: number;
  reason: OrderReason;
  openedDay: TradingDay;
  closedDay: TradingDay;
  profile: RiskProfile | null;
  model: string | null;
  /** When the closing fill happened. */
  closedAt: Date;
}

export type TradingStatus = 'RUNNING' | 'PAUSED' | 'HALTED';

/** The persisted trading state: who set it, why and when. */
export interface TradingState {
  status: TradingStatus;
  reason: string;
  changedBy: string;
  /** When it was set; null for the initial state, which nobody set. */
  changedAt: Date | null;
}

export interface PortfolioSnapshot {
  day: TradingDay;
  cash: number;
  equity: number;
  exposure: number;
  realizedPnl: number;
  unrealizedPnl: number;
  drawdown: number;
}

export const BREAKER_NAMES = ['daily_loss', 'max_drawdown', 'consecutive_losses', 'cooldown', 'volatility'] as const;
export type BreakerName = (typeof BREAKER_NAMES)[number];
/** soft: PAUSED (no new entries); hard: HALTED (cancel open orders and flatten). */
export type BreakerStage = 'soft' | 'hard';

/** A breaker that is currently tripped, as persisted. */
export interface BreakerTrip {
  name: BreakerName;
  stage: BreakerStage;
  value: number;
  limit: number;
  day: TradingDay;
  at: Date;
}

/** Where a breaker's measurement starts again after it was cleared (by its rule or an operator). */
export interface BreakerClearance {
  name: BreakerName;
  at: Date;
  day: TradingDay;
  by: string;
  /** Account equity when it was cleared. */
  equity: number;
}

/** Events pushed to chats. Each has a dedupe key so delivery is at least once, never doubled. */
/** One point of a report chart: end-of-day equity and its drawdown from the peak (a fraction). */
export interface CurvePoint {
  day: TradingDay;
  equity: number;
  drawdown: number;
  /** The equal-weight universe on the same scale (starting at the curve's first equity), when known. */
  benchmark?: number | null;
}

export type BotEvent =
  /** `price` is the fill price; `fee` the broker's fee for the fill (absent on alerts stored before it was added). */
  | { type: 'trade_opened'; symbol: string; qty: number; price: number; fee?: number; stopLoss: number; target: number; day: TradingDay }
  /** `entryPrice` is the position's cost per share including the entry fee; `exitPrice` the exit fill price; `pnl` after all fees. */
  | { type: 'trade_closed'; symbol: string; qty: number; entryPrice: number; exitPrice: number; pnl: number; reason: OrderReason; day: TradingDay }
  | { type: 'order_rejected'; symbol: string; side: OrderSide; qty: number; reason: OrderReason; why: string; day: TradingDay }
  | { type: 'breaker_tripped'; breaker: BreakerName; stage: BreakerStage; value: number; limit: number; day: TradingDay }
  | { type: 'reconciliation'; differences: string[]; action: string; at: string }
  | { type: 'state_changed'; from: TradingStatus; to: TradingStatus; by: string; reason: string; at: string }
  | { type: 'job_failed'; job: string; error: string; at: string }
  /** A pipeline run stored every symbol but `failed` of `symbols`; `examples` name up to five with their reason. */
  | { type: 'pipeline_partial'; day: TradingDay; failed: number; symbols: number; examples: string[]; runId: number }
  /** A shared service (Redis) went down (`up` false: each process carries on with its own cache and bus) or came back. */
  | { type: 'service_status'; service: string; up: boolean; detail: string; at: string }
  | { type: 'model_promoted'; kind: string; version: number; reason: string; at: string }
  | { type: 'model_rejected'; kind: string; version: number; reason: string; at: string }
  | {
      type: 'daily_report'; day: TradingDay; equity: number; cash: number; dayPnl: number; openPositions: number; tradesClosed: number; realizedPnl: number;
      curve?: CurvePoint[]; startingCash?: number;
    }
  | {
      type: 'weekly_report'; from: TradingDay; to: TradingDay; equity: number; cash: number; pnl: number; returnPct: number; openPositions: number;
      tradesClosed: number; winRate: number | null; realizedPnl: number; maxDrawdown: number; curve: CurvePoint[]; startingCash?: number;
    };

export type BotEventType = BotEvent['type'];

/** Every alert type, in the order /alerts lists them. */
export const ALERT_TYPES = ['trade_opened', 'trade_closed', 'order_rejected', 'breaker_tripped', 'reconciliation', 'state_changed', 'job_failed', 'pipeline_partial', 'service_status', 'model_promoted', 'model_rejected', 'daily_report', 'weekly_report'] as const satisfies readonly BotEventType[];
