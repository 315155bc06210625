import type { AlertService } from '../alerts/alert.service.js';
import type { AppConfig } from '../config.js';
import type { Clock } from '../ports/clock.port.js';
import type { Repositories } from '../ports/repositories.port.js';
import type { PriceSource } from '../market/price-source.js';
import type { OrderExecutor } from './order-executor.js';
import type { Portfolio } from './portfolio.js';
import type { TradingStateService } from './trading-state.service.js';

/** What the trading services share; built once in src/main.ts. */
export interface TradingContext {
  config: Pick<AppConfig, 'trading' | 'market'>;
  repos: Repositories;
  clock: Clock;
  prices: PriceSource;
  executor: OrderExecutor;
  portfolio: Portfolio;
  state: TradingStateService;
  alerts: AlertService;
}
