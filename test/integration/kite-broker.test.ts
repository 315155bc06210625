/** The Kite broker with the official kiteconnect client against a fake Kite Connect API in Kite's formats:
 * the broker contract, plus what is Kite's own: no paper endpoint, NSE/BSE symbols, RMS rejections that
 * arrive after the order was accepted, holdings counted with the day's delivery trades. */
import { describe, expect, it } from 'vitest';
import { KiteBroker, kiteInstrument } from '../../src/adapters/brokers/kite.broker.js';
import { ConfigError } from '../../src/domain/errors.js';
import { FakeKite } from '../fakes/kite-connect-api.js';
import { brokerContract } from '../helpers/broker-contract.js';

const PRICES: Record<string, number> = { 'NSE:RELIANCE': 2_450.5, 'NSE:INFY': 1_500.25, 'BSE:TCS': 3_301 };
const kite = new FakeKite('KAPI', 'TOKEN', (s) => PRICES[s] ?? null);
const make = (url: string, accessToken = 'TOKEN') => new KiteBroker({ apiKey: 'KAPI', accessToken, apiRoot: url, live: true, timeoutMs: 400, settlePollMs: 10 });

brokerContract({
  title: 'kite (kiteconnect against a fake Kite Connect API)',
  start: () => kite.start(),
  stop: () => kite.stop(),
  book: kite.book,
  faults: kite.faults,
  broker: (url, o) => make(url, o?.wrongKeys ? 'EXPIRED' : 'TOKEN'),
  symbol: 'RELIANCE.NS', price: 2_450.5, other: 'INFY.NS', otherPrice: 1_500.25, unknownSymbol: 'ZZZZ.NS', qty: 8,
  funds: { INR: 1_000_000 },
  bookedBuy: (qty) => ({ qty, fee: 0 }), // no brokerage on delivery trades
  rejections: { funds: /RMS:Margin Exceeds/, holdings: /Insufficient holdings/, symbol: /Invalid `tradingsymbol`/ },
});

describe('kite broker, Kite\'s own rules', () => {
  it('exists in live mode only, and needs the API key and access token', () => {
    expect(() => new KiteBroker({ apiKey: 'K', accessToken: 'T', apiRoot: undefined, live: false, timeoutMs: 1_000 })).toThrow(/Kite has no paper endpoint/);
    expect(() => new KiteBroker({ apiKey: 'K', accessToken: undefined, apiRoot: undefined, live: true, timeoutMs: 1_000 })).toThrow(ConfigError);
  });

  it('maps Yahoo-style symbols to Kite instruments', () => {
    expect(kiteInstrument('RELIANCE.NS')).toEqual({ exchange: 'NSE', tradingsymbol: 'RELIANCE' });
    expect(kiteInstrument('TCS.BO')).toEqual({ exchange: 'BSE', tradingsymbol: 'TCS' });
    expect(kiteInstrument('INFY')).toEqual({ exchange: 'NSE', tradingsymbol: 'INFY' });
  });

  it('counts settled holdings with the day\'s delivery trades, and sends BSE orders to BSE', async () => {
    const url = await kite.start();
    try {
      kite.book.reset({ INR: 100_000 });
      kite.holdings.set('NSE:INFY', 12);
      const broker = make(url);
      const r = await broker.submit({
        clientOrderId: 'entry:TCS.BO:2017-03-01', day: '2017-03-01', symbol: 'TCS.BO', side: 'buy', type: 'market', qty: 3, limitPrice: null, stopPrice: null,
        reason: 'entry', status: 'new', pickProfile: null, createdAt: new Date(),
      });
      expect(r).toMatchObject({ status: 'filled', fill: { symbol: 'TCS.BO', qty: 3, price: 3_301, fee: 0 } });
      expect(kite.book.created(broker.orderKey('entry:TCS.BO:2017-03-01'))[0]).toMatchObject({ symbol: 'BSE:TCS' });
      expect(await broker.positions()).toEqual([{ symbol: 'INFY.NS', qty: 12, avgPrice: 0 }, { symbol: 'TCS.BO', qty: 3, avgPrice: 0 }]);
    } finally {
      kite.holdings.clear();
      await kite.stop();
    }
  });
});
