/** Types of the command core. A command is written once here and rendered by every transport. */
import type { PipelineRunInfo } from '../ports/repositories.port.js';
import type { HaltResult } from '../trading/halt.service.js';
import type { ValuedPosition } from '../trading/portfolio.js';
import type { Pick, RiskProfile, TradingDay, TradingState, TradingStatus } from '../domain/types.js';

export type Role = 'viewer' | 'operator' | 'admin';
export const ROLE_RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** Who sent a command, as the transport saw it. In group chats the sender decides, never the chat. */
export interface Actor {
  transport: string;
  userId: string;
  chatId: string;
  displayName?: string;
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
  currency: string;
}

export type CommandResult =
  | StatusResult
  | { kind: 'picks'; day: TradingDay | null; byProfile: Record<RiskProfile, Pick[]>; currency: string }
  | { kind: 'positions'; positions: ValuedPosition[]; equity: number; cash: number; currency: string }
  | { kind: 'pipeline'; runs: Array<PipelineRunInfo & { quarantine: { rejected: number; flagged: number } }> }
  | { kind: 'state_changed'; from: TradingStatus; to: TradingStatus; reason: string }
  | { kind: 'halted'; result: HaltResult; currency: string }
  | { kind: 'help'; role: Role; commands: Array<{ name: string; description: string; usage: string; minRole: Role }> }
  | { kind: 'confirm'; token: string; command: string; prompt: string; expiresInSeconds: number }
  | { kind: 'cancelled'; command: string }
  | { kind: 'refused'; reason: string }
  | { kind: 'error'; message: string };

/** What a command's body gets. */
export interface CommandInput {
  actor: Actor;
  role: Role;
  args: string[];
}

/** One chat command. */
export interface CommandDefinition {
  name: string;
  description: string;
  usage: string;
  minRole: Role;
  /** Needs a confirmation button before it runs. */
  dangerous: boolean;
  run(input: CommandInput): Promise<CommandResult>;
}
