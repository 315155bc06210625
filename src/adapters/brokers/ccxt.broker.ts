/** Crypto spot trading through ccxt on any exchange it supports that takes client order ids (tested: Binance
 * and Delta Exchange). Paper mode uses the exchange's sandbox (testnet); live mode its real API, and only
 * with the live switch and keys (see assertTradingMode).
 *
 * Idempotency: the client order id sent is a fixed-length hash of Tiller's id (exchanges cap its length).
 * Before placing, the adapter asks the exchange for an order with that id and returns it when found, so a
 * resend after a timeout or a crash never makes a second order (Binance, for one, accepts a reused id once
 * the first order has ended). A duplicate-id refusal at placing is read back the same way.
 *
 * Fills: quantity and average price as the exchange reports them; fees converted to the quote currency.
 * When the fee is charged in the coin bought (Binance without BNB), the position really received is the
 * filled amount less the fee: that net amount is booked, and the fee is valued at the fill price, so Tiller's
 * books match the exchange balance. A fee in a third currency (BNB) is not in Tiller's books.
 *
 * Positions are the spot balances of coins quoted in `quote` (the quote coin itself is cash).
 * Errors: rate limits and network failures are temporary (retried; a resend is the same order);
 * invalid orders, insufficient funds and unknown symbols are rejections; bad keys stop the job. */
import ccxt, { type Exchange, type Order as CcxtOrder } from 'ccxt';
import { ConfigError, OperationalError, RateLimitedError, TemporaryError } from '../../domain/errors.js';
import type { Fill, Order } from '../../domain/types.js';
import type { Broker, BrokerOrderResult, BrokerOrderState, BrokerPosition, OrderRef } from '../../ports/broker.port.js';
import { resultOfState } from './broker-result.js';
import { withTimeout } from '../with-timeout.js';
import { rerouted } from '../market-data/ccxt.market-data.js';
import { brokerOrderKey } from './broker-order-key.js';

export interface CcxtBrokerSettings {
  /** ccxt exchange id: binance, delta, … */
  exchange: string;
  apiKey: string | undefined;
  secret: string | undefined;
  /** Some exchanges also want an API passphrase. */
  password: string | undefined;
  /** Overrides the exchange's API origin (tests point it at a fake exchange). */
  apiRoot: string | undefined;
  live: boolean;
  timeoutMs: number;
  /** The quote (cash) currency: USDT. */
  quote: string;
}

/** Exchange differences the unified API leaves open. */
interface Dialect {
  /** Longest client order id the exchange takes. */
  keyLength: number;
  /** Extra params that make an order a stop (trigger) order. */
  stopParams(stopPrice: number): Record<string, unknown>;
  options: Record<string, unknown>;
}

const DIALECTS: Record<string, Dialect> = {
  binance: {
    keyLength: 32, // Binance allows 36
    stopParams: (p) => ({ triggerPrice: p }),
    options: { fetchCurrencies: false, warnOnFetchOpenOrdersWithoutSymbol: false, defaultType: 'spot' },
  },
  delta: {
    keyLength: 32,
    stopParams: (p) => ({ stop_price: String(p), stop_order_type: 'stop_loss_order' }),
    options: {},
  },
};
const DEFAULT_DIALECT: Dialect = { keyLength: 32, stopParams: (p) => ({ triggerPrice: p }), options: {} };

interface FeeLike { cost?: number | string | undefined; currency?: string | undefined }

/** An order's or trade's fees: ccxt fills `fees` (several currencies) or `fee`. */
function feesOf(x: { fee?: unknown }): FeeLike[] {
  const many = (x as { fees?: FeeLike[] }).fees;
  if (many?.length) return many;
  return x.fee ? [x.fee as FeeLike] : [];
}

function failureMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Errors that mean the exchange refused this order (not worth retrying). */
function isRejection(err: unknown): boolean {
  return err instanceof ccxt.InvalidOrder || err instanceof ccxt.InsufficientFunds || err instanceof ccxt.BadSymbol
    || err instanceof ccxt.BadRequest || err instanceof ccxt.OperationRejected;
}

function classify(err: unknown, what: string): Error {
  if (err instanceof TemporaryError || err instanceof OperationalError) return err;
  const msg = `${what}: ${failureMessage(err)}`;
  if (err instanceof ccxt.RateLimitExceeded || err instanceof ccxt.DDoSProtection) return new RateLimitedError(msg, 1);
  if (err instanceof ccxt.AuthenticationError || err instanceof ccxt.PermissionDenied || err instanceof ccxt.AccountSuspended) {
    return new OperationalError(`${what}: the exchange refused the API keys (${failureMessage(err)})`, { cause: err });
  }
  // NetworkError (timeouts, exchange down) and its parent OperationFailed ("internal error, try again").
  if (err instanceof ccxt.OperationFailed) return new TemporaryError(msg, { cause: err });
  return new OperationalError(msg, { cause: err });
}

export class CcxtBroker implements Broker {
  readonly name: string;
  readonly paper: boolean;
  private readonly ex: Exchange;
  private readonly dialect: Dialect;
  private marketsLoaded: Promise<unknown> | null = null;

  constructor(private readonly s: CcxtBrokerSettings) {
    const ExchangeClass = (ccxt as unknown as Record<string, new (cfg: object) => Exchange>)[s.exchange];
    if (!ExchangeClass || !ccxt.exchanges.includes(s.exchange)) throw new ConfigError(`CCXT_EXCHANGE: ccxt has no exchange "${s.exchange}"`);
    if (!s.apiKey || !s.secret) throw new ConfigError('CCXT_API_KEY / CCXT_SECRET: the ccxt broker needs the exchange API key pair');
    this.dialect = DIALECTS[s.exchange] ?? DEFAULT_DIALECT;
    this.ex = new ExchangeClass({
      apiKey: s.apiKey, secret: s.secret, password: s.password, timeout: s.timeoutMs,
      // Tiller sends a handful of requests a day; ccxt's own throttle would count against every call's timeout
      // (Binance's open-orders weight alone waits 4 s), so it is off and a 429 is retried with backoff instead.
      enableRateLimit: false,
      options: { fetchMarkets: { types: ['spot'] }, ...this.dialect.options },
    });
    this.paper = !s.live;
    if (!s.live) {
      if (!this.ex.urls.test) throw new ConfigError(`trading.mode: ${s.exchange} has no sandbox (testnet) in ccxt, so it cannot paper trade; use BROKER=paper`);
      this.ex.setSandboxMode(true);
    }
    if (s.apiRoot) this.ex.urls.api = rerouted(this.ex.urls.api, s.apiRoot.replace(/\/$/, '')) as Exchange['urls']['api'];
    this.name = `ccxt:${s.exchange}`;
  }

  orderKey(clientOrderId: string): string {
    return brokerOrderKey(clientOrderId, this.dialect.keyLength);
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(fn(), this.s.timeoutMs, `${this.name} ${what}`);
    } catch (err) {
      throw classify(err, `${this.name} ${what}`);
    }
  }

  private market(symbol: string) {
    return this.ex.markets?.[symbol];
  }

  private markets(): Promise<unknown> {
    this.marketsLoaded ??= this.call('markets', () => this.ex.loadMarkets()).catch((e: unknown) => {
      this.marketsLoaded = null;
      throw e;
    });
    return this.marketsLoaded;
  }

  async submit(order: Order): Promise<BrokerOrderResult> {
    await this.markets();
    const known = await this.orderState(order);
    if (known) return resultOfState(known, this.name);
    const market = this.market(order.symbol);
    if (!market) return { status: 'rejected', reason: `${this.name}: no market ${order.symbol}` };
    if (!market.spot) return { status: 'rejected', reason: `${this.name}: ${order.symbol} is not a spot market; Tiller trades spot only` };
    const key = this.orderKey(order.clientOrderId);
    const limit = order.type === 'limit' || order.type === 'stop_limit';
    const params: Record<string, unknown> = { clientOrderId: key, ...(order.stopPrice != null && order.type !== 'limit' ? this.dialect.stopParams(order.stopPrice) : {}) };
    let created: CcxtOrder;
    try {
      created = await withTimeout(
        this.ex.createOrder(order.symbol, limit ? 'limit' : 'market', order.side, order.qty, limit ? order.limitPrice ?? undefined : undefined, params),
        this.s.timeoutMs, `${this.name} order ${order.clientOrderId}`,
      );
    } catch (err) {
      if (!(err instanceof ccxt.OperationFailed)) {
        // Our timeout, or a refusal: the order may exist after all (the answer was lost, or a duplicate-id
        // refusal, in whatever words the exchange uses, of an order sent by a call that timed out).
        const first = await this.orderState(order);
        if (first) return resultOfState(first, this.name);
        if (isRejection(err)) return { status: 'rejected', reason: `${this.name}: ${failureMessage(err)}` };
      }
      throw classify(err, `${this.name} order ${order.clientOrderId}`);
    }
    return resultOfState(await this.state(order, created), this.name);
  }

  async cancel(ref: OrderRef): Promise<void> {
    const st = await this.orderState(ref);
    if (!st || st.status !== 'open' || !st.brokerOrderId) return;
    try {
      await withTimeout(this.ex.cancelOrder(st.brokerOrderId, ref.symbol), this.s.timeoutMs, `${this.name} cancel ${ref.clientOrderId}`);
    } catch (err) {
      if (err instanceof ccxt.OrderNotFound) return; // filled or ended meanwhile
      throw classify(err, `${this.name} cancel ${ref.clientOrderId}`);
    }
  }

  async orderState(ref: OrderRef): Promise<BrokerOrderState | null> {
    await this.markets();
    if (!this.market(ref.symbol)) return null;
    let o: CcxtOrder;
    try {
      o = await withTimeout(this.ex.fetchOrder(undefined as unknown as string, ref.symbol, { clientOrderId: this.orderKey(ref.clientOrderId) }), this.s.timeoutMs, `${this.name} order ${ref.clientOrderId}`);
    } catch (err) {
      if (err instanceof ccxt.OrderNotFound) return null;
      throw classify(err, `${this.name} order ${ref.clientOrderId}`);
    }
    return this.state(ref, o);
  }

  /** The exchange's order as Tiller's broker state, with the fees of its trades when the order omits them. */
  private async state(ref: OrderRef, o: CcxtOrder): Promise<BrokerOrderState> {
    const filled = o.filled ?? (o.amount != null && o.remaining != null ? o.amount - o.remaining : 0);
    let fees = feesOf(o);
    const orderId = o.id;
    if (filled > 0 && fees.length === 0 && this.ex.has.fetchOrderTrades && orderId) {
      const trades = await this.call(`trades of ${ref.clientOrderId}`, () => this.ex.fetchOrderTrades(orderId, ref.symbol));
      fees = trades.flatMap(feesOf);
    }
    const price = o.average ?? (o.cost && filled ? o.cost / filled : o.price);
    let fill: Fill | null = null;
    if (filled > 0 && price) {
      const market = this.market(ref.symbol)!;
      let qty = filled;
      let fee = 0;
      for (const f of fees) {
        const cost = Number(f.cost ?? 0);
        if (!cost) continue;
        if (f.currency === market.quote) fee += cost;
        else if (f.currency === market.base) {
          fee += cost * price;
          if (o.side === 'buy') qty -= cost; // the exchange kept part of the coins bought
        }
      }
      fill = {
        clientOrderId: ref.clientOrderId, symbol: ref.symbol, side: o.side === 'sell' ? 'sell' : 'buy',
        qty: Number(qty.toPrecision(12)), price, fee, at: new Date(o.lastTradeTimestamp ?? o.timestamp ?? Date.now()),
      };
    }
    const base = { clientOrderId: this.orderKey(ref.clientOrderId), brokerOrderId: o.id ?? null, symbol: ref.symbol, fill };
    switch (o.status) {
      case 'closed':
        return { ...base, status: o.remaining && o.remaining > 0 && fill ? 'partially_filled' : 'filled', reason: null };
      case 'open':
        return { ...base, status: 'open', reason: null };
      case 'rejected':
        return { ...base, status: 'rejected', reason: `rejected by ${this.name}` };
      default: // canceled, expired
        return { ...base, status: fill ? 'partially_filled' : 'cancelled', reason: `${o.status ?? 'ended'} at ${this.name}` };
    }
  }

  async openOrders(): Promise<BrokerOrderState[]> {
    await this.markets();
    const open = await this.call('open orders', () => this.ex.fetchOpenOrders());
    return open.map((o) => ({
      clientOrderId: o.clientOrderId ?? '', brokerOrderId: o.id ?? null, symbol: o.symbol ?? '?', status: 'open' as const, fill: null, reason: null,
    }));
  }

  async positions(): Promise<BrokerPosition[]> {
    await this.markets();
    const balance = await this.call('balance', () => this.ex.fetchBalance());
    const totals = (balance.total ?? {}) as unknown as Record<string, number | undefined>;
    const out: BrokerPosition[] = [];
    for (const [coin, total] of Object.entries(totals)) {
      if (coin === this.s.quote || !total) continue;
      const symbol = `${coin}/${this.s.quote}`;
      if (this.market(symbol)?.spot) out.push({ symbol, qty: total, avgPrice: 0 }); // spot balances carry no cost basis
    }
    return out.sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  async probe(): Promise<void> {
    await this.markets();
    await this.call('balance', () => this.ex.fetchBalance());
  }
}
