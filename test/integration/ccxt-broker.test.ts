/** The ccxt broker with the real ccxt client against fake exchanges in their own API formats: Binance spot
 * (signed REST, a buy's fee charged in the coin bought) and Delta Exchange. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CcxtBroker } from '../../src/adapters/brokers/ccxt.broker.js';
import { ConfigError } from '../../src/domain/errors.js';
import { FakeBinanceSpot } from '../fakes/binance-spot-trading-api.js';
import { FakeDeltaExchange } from '../fakes/delta-exchange-api.js';
import { brokerContract } from '../helpers/broker-contract.js';
import { ROOT } from '../helpers/tiller-process.js';

const BTC_CSV = path.resolve(ROOT, '../shared/data/crypto/BTC-USD.csv');
const PRICES: Record<string, number> = { BTCUSDT: 43_210.55, ETHUSDT: 2_301.4 };

const binance = new FakeBinanceSpot(BTC_CSV, 'BKEY', 'BSECRET', (s) => PRICES[s] ?? null);
brokerContract({
  title: 'ccxt binance (fake Binance spot API)',
  start: () => binance.start(),
  stop: () => binance.stop(),
  book: binance.book,
  faults: binance.faults,
  broker: (url, o) => new CcxtBroker({ exchange: 'binance', apiKey: 'BKEY', secret: o?.wrongKeys ? 'WRONG' : 'BSECRET', password: undefined, apiRoot: url, live: false, timeoutMs: 1_500, quote: 'USDT' }),
  symbol: 'BTC/USDT', price: 43_210.55, other: 'ETH/USDT', otherPrice: 2_301.4, unknownSymbol: 'LUNA/USDT', qty: 0.5,
  funds: { USDT: 100_000 },
  // 0.1 % of the coins bought stay with Binance: 0.5 BTC bought, 0.4995 received; the fee is worth 21.61 USDT
  bookedBuy: (qty, price) => ({ qty: qty * 0.999, fee: qty * 0.001 * price }),
  rejections: { funds: /insufficient balance/, holdings: /insufficient balance/, symbol: /Invalid symbol|no market/ },
});

const delta = new FakeDeltaExchange('DKEY', 'DSECRET', (s) => PRICES[s.replace('_', '')] ?? null);
brokerContract({
  title: 'ccxt delta (fake Delta Exchange API)',
  start: () => delta.start(),
  stop: () => delta.stop(),
  book: delta.book,
  faults: delta.faults,
  broker: (url, o) => new CcxtBroker({ exchange: 'delta', apiKey: 'DKEY', secret: o?.wrongKeys ? 'WRONG' : 'DSECRET', password: undefined, apiRoot: url, live: false, timeoutMs: 1_500, quote: 'USDT' }),
  symbol: 'BTC/USDT', price: 43_210.55, other: 'ETH/USDT', otherPrice: 2_301.4, unknownSymbol: 'SOL/USDT', qty: 0.5,
  funds: { USDT: 100_000 },
  // Delta charges 0.05 % of the notional in USDT: 0.5 × 43,210.55 × 0.0005 = 10.80
  bookedBuy: (qty, price) => ({ qty, fee: qty * price * 0.0005 }),
  rejections: { funds: /insufficient_margin/, holdings: /insufficient_margin/, symbol: /invalid_contract/ },
});

describe('ccxt broker settings', () => {
  it('refuses to start without keys or on an exchange ccxt does not know', () => {
    expect(() => new CcxtBroker({ exchange: 'binance', apiKey: undefined, secret: undefined, password: undefined, apiRoot: undefined, live: false, timeoutMs: 1_000, quote: 'USDT' }))
      .toThrow(ConfigError);
    expect(() => new CcxtBroker({ exchange: 'nosuch', apiKey: 'k', secret: 's', password: undefined, apiRoot: undefined, live: false, timeoutMs: 1_000, quote: 'USDT' }))
      .toThrow(/no exchange "nosuch"/);
  });
});
