/** The configuration module: what it may hold (config/schema.ts), how it is read from the YAML files and the
 * environment (config/load.ts, the only reader of `process.env`), how it is shown safely (config/redact.ts),
 * and the trading-mode check (config/trading-mode.ts). */
export * from './config/schema.js';
export { loadConfig, type LoadConfigOptions } from './config/load.js';
export { redactConfig } from './config/redact.js';
export { assertTradingMode } from './config/trading-mode.js';
