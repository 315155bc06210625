/** The trading-mode check, beside the configuration it reads: paper unless every switch for live is set. */
import { ConfigError } from '../domain/errors.js';
import type { AppConfig } from './schema.js';

/**
 * Live trading needs three things: `trading.mode: live`, LIVE_TRADING=true, and a live broker with its
 * credentials. Without all of them start-up refuses, naming what is missing. Checked before anything opens.
 */
export function assertTradingMode(config: AppConfig): void {
  const t = config.trading;
  if (t.mode !== 'live') {
    if (t.broker === 'kite') throw new ConfigError('trading.broker: Kite has no paper endpoint; paper trade NSE with BROKER=paper, or trade live (trading.mode: live, LIVE_TRADING=true)');
    return;
  }
  if (!t.liveSwitch) throw new ConfigError('trading.mode: live trading needs LIVE_TRADING=true as well; refusing to place live orders');
  const missing: Record<Exclude<typeof t.broker, 'paper'>, string | null> = {
    alpaca: !t.alpaca.keyId || !t.alpaca.secretKey ? 'ALPACA_KEY_ID / ALPACA_SECRET_KEY' : null,
    ccxt: !t.ccxt.apiKey || !t.ccxt.secret ? 'CCXT_API_KEY / CCXT_SECRET' : null,
    kite: !t.kite.apiKey || !t.kite.accessToken ? 'KITE_API_KEY / KITE_ACCESS_TOKEN' : null,
  };
  if (t.broker === 'paper') throw new ConfigError('trading.broker: the paper broker cannot trade live; choose a live broker (alpaca, ccxt or kite)');
  const keys = missing[t.broker];
  if (keys) throw new ConfigError(`${keys}: live trading on ${t.broker} needs them; refusing to place live orders`);
}
