/** The configuration module, the only reader of `process.env`: what configuration may hold (config/schema.ts),
 * how it is read from the YAML files, `.env` and the environment (config/load.ts), how it is shown safely
 * (config/redact.ts), and the trading-mode check (config/trading-mode.ts). */
import { readConfig, type LoadConfigOptions } from './config/load.js';
import type { AppConfig } from './config/schema.js';

export * from './config/schema.js';
export type { LoadConfigOptions } from './config/load.js';
export { redactConfig } from './config/redact.js';
export { assertTradingMode } from './config/trading-mode.js';

/**
 * Load, merge and validate the configuration: the YAML files, `.env` and the process environment (or
 * `opts.env` instead of the latter).
 * @throws ConfigError naming every bad key.
 */
export function loadConfig(opts: LoadConfigOptions = {}): AppConfig {
  return readConfig(opts.env ?? process.env, opts);
}
