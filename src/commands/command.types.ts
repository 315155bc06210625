/** Types of the command core. A command is written once here and rendered by every transport. */
import type { AlertMode, BacktestRunRecord, JobRunInfo, ModelRecord, PipelineRunInfo, ShadowPortfolio } from '../ports/repositories.port.js';
import type { BacktestDone } from './command-services.js';
import type { BreakerReading } from '../trading/breakers/circuit-breakers.js';
import type { CloseResult, HaltResult } from '../trading/halt.service.js';
import type { PeriodPerformance, TradeStats } from '../trading/performance.js';
import type { RiskLimits } from '../trading/risk-limits.js';
import type { PeriodReport } from '../trading/period-report.js';
import type { ValuedPosition } from '../trading/portfolio.js';
import type { BreakerTrip, ClosedTrade, Order, Pick, Recommendation, RiskProfile, TradingDay, TradingState, TradingStatus } from '../domain/types.js';
import type { Exclusion } from '../picks/screening.js';

export type Role = 'viewer' | 'operator' | 'admin';
export const ROLE_RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** Who sent a command, as the transport saw it. In group chats the sender decides, never the chat. */
export interface Actor {
  transport: string;
  userId: string;
  chatId: string;
  displayName?: string;
  /** Platform role ids the sender holds in this chat (Discord guild roles); never the chat's own identity. */
  roles?: readonly string[];
}

export interface StatusResult {
  kind: 'status';
  state: TradingState;
  tradingDay: TradingDay;
  equity: number;
  cash: number;
  exposure: number;
  dayPnl: number;
  openPositions: number;
  picksDay: TradingDay | null;
  lastPipeline: { asOf: TradingDay; status: string } | null;
  mode: 'paper' | 'live';
  broker: string;
  breakers: BreakerTrip[];
  currency: string;
  /** The last stored bar and the last trading day before today: stale when the bar is older. */
  data: { lastBar: TradingDay | null; expected: TradingDay; stale: boolean };
  /** The traded strategy (`trading.strategy` as configured, and what it resolved to) and whether its latest
   * walk-forward evaluation (`tiller train`) passed the gate; `baseline` when the baseline trades. */
  strategy: { name: string; configured: string; gate: 'passed' | 'failed' | 'baseline' | 'not evaluated'; reason: string | null; evaluatedAt: Date | null };
}

/** /why: a symbol's screening exclusion on the latest picks day, or where each strategy ranked it. */
export interface WhyResult {
  kind: 'why';
  symbol: string;
  day: TradingDay;
  exclusion: Exclusion | null;
  picks: Array<{ strategy: string; profile: RiskProfile; traded: boolean; rank: number; score: number; riskScore: number | null; recommendation: Recommendation | null }>;
}

export interface RiskResult {
  kind: 'risk';
  limits: RiskLimits;
  /** Settable keys with their value now and where it comes from. */
  keys: Array<{ key: string; value: number; help: string; setBy: string | null }>;
  readings: BreakerReading[];
  state: TradingState;
  equity: number;
  exposure: number;
  openPositions: number;
  entriesThisWeek: number;
  currency: string;
}

export interface PerformanceResult {
  kind: 'performance';
  periods: Array<{ label: 'day' | 'week' | 'month' } & PeriodPerformance>;
  byProfile: Array<{ key: string } & TradeStats>;
  byModel: Array<{ key: string } & TradeStats>;
  /** Every (strategy, profile) traded on paper from its stored picks, best return first (the leaderboard). */
  shadows: ShadowPortfolio[];
  currency: string;
}

/** A chat's alert subscriptions; `receivesAlerts` is false for a chat that is not an alert chat in config. */
export interface AlertsResult {
  kind: 'alerts';
  transport: string;
  chatId: string;
  receivesAlerts: boolean;
  modes: Array<{ type: string; mode: AlertMode }>;
  /** What this call changed, when it changed anything. */
  changed: { types: string[]; mode: AlertMode } | null;
}

/** Each job: its schedule and its latest run. */
export interface JobsResult {
  kind: 'jobs';
  timezone: string;
  jobs: Array<{ name: string; schedule: string; last: JobRunInfo | null }>;
}

export type CommandResult =
  | StatusResult
  | {
    kind: 'picks'; day: TradingDay | null; byProfile: Record<RiskProfile, Array<Pick & { sector: string | null }>>; currency: string;
    /** Whose picks these are, whether it is the traded strategy, the sector asked for, and every strategy with picks that day. */
    strategy: string | null; traded: boolean; sector: string | null; strategies: string[];
  }
  | { kind: 'leaderboard'; rows: ShadowPortfolio[] }
  | WhyResult
  | { kind: 'positions'; positions: ValuedPosition[]; equity: number; cash: number; currency: string }
  | { kind: 'pipeline'; runs: Array<PipelineRunInfo & { quarantine: { rejected: number; flagged: number } }> }
  | { kind: 'state_changed'; from: TradingStatus; to: TradingStatus; reason: string }
  | { kind: 'halted'; result: HaltResult; currency: string }
  | RiskResult
  | { kind: 'risk_set'; key: string; previous: number; value: number }
  | { kind: 'closed'; result: CloseResult; currency: string }
  | { kind: 'orders'; orders: Array<Order & { note: string | null }> }
  | { kind: 'trades'; trades: ClosedTrade[]; currency: string }
  | PerformanceResult
  | { kind: 'help'; role: Role; commands: Array<{ name: string; description: string; usage: string; minRole: Role }> }
  | { kind: 'whoami'; transport: string; userId: string; chatId: string; displayName: string | null; role: Role | null }
  | AlertsResult
  | JobsResult
  | { kind: 'job_started'; job: string; day: TradingDay }
  | { kind: 'report'; report: PeriodReport; currency: string }
  | { kind: 'backtest'; backtest: BacktestDone; currency: string }
  | { kind: 'backtests'; runs: BacktestRunRecord[] }
  | { kind: 'models'; models: ModelRecord[]; now: Date }
  | { kind: 'model'; versions: ModelRecord[]; now: Date }
  | { kind: 'confirm'; token: string; command: string; prompt: string; expiresInSeconds: number }
  | { kind: 'cancelled'; command: string }
  | { kind: 'refused'; reason: string }
  /** `cause` tells an API why: bad input (absent), something asked for that does not exist, or a fault of ours. */
  | { kind: 'error'; message: string; cause?: 'not_found' | 'internal' | 'unavailable' };

/** What a command's body gets. `role` is null only for a public command called by someone without one. */
export interface CommandInput {
  actor: Actor;
  role: Role | null;
  args: string[];
}

/** One argument of a command, in order: transports with typed options (Discord slash commands) build them
 * from this; text transports take the words after the command in the same order. */
export interface CommandOption {
  name: string;
  description: string;
  type: 'string' | 'integer' | 'number';
  required: boolean;
  /** The only values allowed, offered as a list. */
  choices?: readonly string[];
  /** Suggest values while the user types: the symbols Tiller holds. */
  autocomplete?: 'held_symbol';
  /** Takes the rest of the words (a free-text reason). */
  rest?: boolean;
}

/** One chat command. */
export interface CommandDefinition {
  name: string;
  description: string;
  usage: string;
  minRole: Role;
  /** Needs a confirmation button before it runs. */
  dangerous: boolean;
  /** Its arguments, in order (none when absent). */
  options?: readonly CommandOption[];
  /** Anyone may run it, even without a role (only /whoami: it tells a stranger the id to ask for). */
  public?: boolean;
  /** It only reads, and its answer depends on its arguments alone, never on who asks: identical calls that
   * arrive while one is running share that run (a thousand chats asking /status at once cost one). */
  shared?: boolean;
  /** Checks the arguments before a confirmation is asked for; throws UserError when they are bad. */
  validate?(args: string[]): Promise<void> | void;
  run(input: CommandInput): Promise<CommandResult>;
}
