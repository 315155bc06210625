import type { AlertService } from '../alerts/alert.service.js';
import type { AppConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { MarketCalendar } from '../market/calendar.js';
import type { Clock } from '../ports/clock.port.js';
import type { Repositories } from '../ports/repositories.port.js';
import type { VolatilityGauge } from '../ports/volatility.port.js';
import type { PriceSource } from '../market/price-source.js';
import type { FillAnnouncer } from './fill-announcer.js';
import type { CrashHook, OrderExecutor } from './order-executor.js';
import type { Portfolio } from './portfolio.js';
import type { RiskLimitsService } from './risk-limits.js';
import type { TradingStateService } from './trading-state.service.js';

/** What the trading services share; built once in src/main.ts. */
export interface TradingContext {
  config: Pick<AppConfig, 'trading' | 'market'>;
  repos: Repositories;
  clock: Clock;
  calendar: MarketCalendar;
  prices: PriceSource;
  executor: OrderExecutor;
  portfolio: Portfolio;
  state: TradingStateService;
  alerts: AlertService;
  announcer: FillAnnouncer;
  limits: RiskLimitsService;
  volatility: VolatilityGauge;
  crash: CrashHook;
  log?: Logger;
}
