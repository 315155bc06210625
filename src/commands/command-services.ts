import type { AppConfig } from '../config.js';
import type { TradingDay } from '../domain/types.js';
import type { Clock } from '../ports/clock.port.js';
import type { Repositories } from '../ports/repositories.port.js';
import type { CircuitBreakers } from '../trading/breakers/circuit-breakers.js';
import type { HaltService } from '../trading/halt.service.js';
import type { RiskLimitsService } from '../trading/risk-limits.js';
import type { Portfolio } from '../trading/portfolio.js';
import type { TradingStateService } from '../trading/trading-state.service.js';

/** The daily jobs as commands see them. */
export interface JobControl {
  readonly names: readonly string[];
  /** Cron entry of each job, in the market's time zone. */
  readonly schedule: Readonly<Record<string, string>>;
  /** Start a job now for today's trading day; resolves once it has started (the run goes on). */
  trigger(name: string, by: string): Promise<{ day: TradingDay }>;
}

/** What commands may use; built once in src/main.ts. */
export interface CommandServices {
  config: Pick<AppConfig, 'market' | 'trading'>;
  repos: Repositories;
  clock: Clock;
  portfolio: Portfolio;
  state: TradingStateService;
  halt: HaltService;
  breakers: CircuitBreakers;
  limits: RiskLimitsService;
  jobs: JobControl;
  /** The chats configured to receive alerts. */
  alertChats: () => ReadonlyArray<{ transport: string; chatId: string }>;
}
