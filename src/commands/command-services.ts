import type { AppConfig } from '../config.js';
import type { Clock } from '../ports/clock.port.js';
import type { Repositories } from '../ports/repositories.port.js';
import type { CircuitBreakers } from '../trading/breakers/circuit-breakers.js';
import type { HaltService } from '../trading/halt.service.js';
import type { RiskLimitsService } from '../trading/risk-limits.js';
import type { Portfolio } from '../trading/portfolio.js';
import type { TradingStateService } from '../trading/trading-state.service.js';

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
}
