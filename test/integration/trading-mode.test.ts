/** The trading-mode check: live trading needs `trading.mode: live`, LIVE_TRADING=true and a live broker with its
 * credentials; without any of them the composition root refuses before it opens anything, saying why. */
import { describe, expect, it } from 'vitest';
import { assertTradingMode, loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/domain/errors.js';
import { createApp } from '../../src/main.js';

describe('trading mode', () => {
  it('refuses live trading without the switch, on the paper broker, and without credentials, and says why', async () => {
    const base = loadConfig({ env: {}, dotenvDir: null });
    const live = { ...base, trading: { ...base.trading, mode: 'live' as const } };
    await expect(createApp(live)).rejects.toThrow(new ConfigError('trading.mode: live trading needs LIVE_TRADING=true as well; refusing to place live orders'));
    const switched = { ...live, trading: { ...live.trading, liveSwitch: true } };
    await expect(createApp(switched)).rejects.toThrow(/the paper broker cannot trade live/);
    const alpaca = { ...switched, trading: { ...switched.trading, broker: 'alpaca' as const } };
    await expect(createApp(alpaca)).rejects.toThrow(/ALPACA_KEY_ID \/ ALPACA_SECRET_KEY: live trading on alpaca needs them; refusing to place live orders/);
    const keyed = { ...alpaca, trading: { ...alpaca.trading, alpaca: { keyId: 'k', secretKey: 's', apiRoot: undefined } } };
    expect(() => assertTradingMode(keyed)).not.toThrow();
    // Paper mode on Alpaca's paper endpoint needs no switch.
    expect(() => assertTradingMode({ ...base, trading: { ...base.trading, broker: 'alpaca' } })).not.toThrow();
  });

  it('refuses live ccxt and Kite trading without their keys, and Kite in paper mode (it has no paper endpoint)', async () => {
    const env = (over: Record<string, string>) => loadConfig({ env: { TILLER_MARKET: 'crypto', LIVE_TRADING: 'true', ...over }, dotenvDir: null });
    const liveOn = (c: ReturnType<typeof loadConfig>) => ({ ...c, trading: { ...c.trading, mode: 'live' as const } });
    const ccxtLive = liveOn(env({ BROKER: 'ccxt', CCXT_EXCHANGE: 'delta', CCXT_API_KEY: 'k' }));
    expect(ccxtLive.trading.ccxt).toMatchObject({ exchange: 'delta', quote: 'USDT', apiKey: 'k', secret: undefined });
    await expect(createApp(ccxtLive)).rejects.toThrow(new ConfigError('CCXT_API_KEY / CCXT_SECRET: live trading on ccxt needs them; refusing to place live orders'));
    expect(() => assertTradingMode(liveOn(env({ BROKER: 'ccxt', CCXT_API_KEY: 'k', CCXT_SECRET: 's' })))).not.toThrow();
    const kiteLive = liveOn(env({ BROKER: 'kite', KITE_API_KEY: 'k' }));
    await expect(createApp(kiteLive)).rejects.toThrow(new ConfigError('KITE_API_KEY / KITE_ACCESS_TOKEN: live trading on kite needs them; refusing to place live orders'));
    const kitePaper = env({ BROKER: 'kite', KITE_API_KEY: 'k', KITE_ACCESS_TOKEN: 't' });
    await expect(createApp(kitePaper)).rejects.toThrow(/Kite has no paper endpoint/);
    // ccxt in paper mode trades on the exchange's testnet; an exchange without one is refused.
    await expect(createApp(env({ BROKER: 'ccxt', CCXT_EXCHANGE: 'kraken', CCXT_API_KEY: 'k', CCXT_SECRET: 's' }))).rejects.toThrow(/kraken has no sandbox/);
  });
});
