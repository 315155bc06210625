/** The account behind the fake exchanges and brokers (Binance, Delta Exchange, Kite): balances per asset,
 * orders keyed by the client's id, market orders filled at once at the price the test gives, other orders
 * working until the test fills them. Each fake turns these into its own API's formats and errors. It lives in
 * the test process, so it outlives a client (or a Tiller process) that is stopped and started again. */
export type BookOrderType = 'market' | 'limit' | 'stop' | 'stop_limit';

export interface BookOrder {
  id: string;
  /** The client's order id (Binance newClientOrderId, Delta client_order_id, Kite tag); '' when none. */
  clientId: string;
  symbol: string;
  base: string;
  quote: string;
  side: 'buy' | 'sell';
  type: BookOrderType;
  qty: number;
  limitPrice: number | null;
  stopPrice: number | null;
  filled: number;
  avgPrice: number | null;
  fee: number;
  feeAsset: string | null;
  status: 'open' | 'filled' | 'canceled';
  createdAt: number;
  updatedAt: number;
}

export type PlaceError = 'duplicate' | 'unknown_symbol' | 'insufficient_funds' | 'insufficient_holdings' | 'bad_qty';

export interface BookSettings {
  /** The market price of a symbol; null for an unknown symbol. */
  priceOf: (symbol: string) => number | null;
  /** Base and quote asset of a symbol (BTC/USDT → BTC, USDT). */
  assetsOf: (symbol: string) => { base: string; quote: string };
  /** Fee as a share of the notional. */
  feeRate: number;
  /** Where a buy's fee is charged: in the asset bought (Binance without BNB) or in the quote asset. */
  buyFeeIn: 'base' | 'quote';
  /** Refuse a new order whose client id is already used by an order in these states. */
  duplicateWhile: ReadonlyArray<BookOrder['status']>;
}

export class FakeOrderBook {
  readonly orders: BookOrder[] = [];
  readonly balances = new Map<string, number>();
  /** Every placement attempt's client id, accepted or not, in arrival order. */
  readonly attempts: string[] = [];
  private nextId = 1_000_000;

  constructor(private readonly s: BookSettings) {}

  /** Reset the account: no orders, these balances. */
  reset(balances: Record<string, number>): void {
    this.orders.length = 0;
    this.attempts.length = 0;
    this.balances.clear();
    for (const [a, v] of Object.entries(balances)) this.balances.set(a, v);
  }

  balance(asset: string): number {
    return this.balances.get(asset) ?? 0;
  }

  byClientId(clientId: string): BookOrder | undefined {
    return [...this.orders].reverse().find((o) => o.clientId === clientId);
  }

  byId(id: string): BookOrder | undefined {
    return this.orders.find((o) => o.id === id);
  }

  /** Orders created for a client id (a refused duplicate is not an order). */
  created(clientId: string): BookOrder[] {
    return this.orders.filter((o) => o.clientId === clientId);
  }

  open(): BookOrder[] {
    return this.orders.filter((o) => o.status === 'open');
  }

  place(req: { clientId: string; symbol: string; side: 'buy' | 'sell'; type: BookOrderType; qty: number; limitPrice: number | null; stopPrice: number | null }): BookOrder | PlaceError {
    this.attempts.push(req.clientId);
    if (req.clientId && this.orders.some((o) => o.clientId === req.clientId && this.s.duplicateWhile.includes(o.status))) return 'duplicate';
    const price = this.s.priceOf(req.symbol);
    if (price === null) return 'unknown_symbol';
    if (!(req.qty > 0)) return 'bad_qty';
    const { base, quote } = this.s.assetsOf(req.symbol);
    const at = req.limitPrice ?? price;
    if (req.side === 'buy' && req.qty * at > this.balance(quote) + 1e-9) return 'insufficient_funds';
    if (req.side === 'sell' && req.qty > this.balance(base) + 1e-12) return 'insufficient_holdings';
    const now = Date.now();
    const o: BookOrder = {
      id: String(this.nextId++), ...req, base, quote, filled: 0, avgPrice: null, fee: 0, feeAsset: null, status: 'open', createdAt: now, updatedAt: now,
    };
    this.orders.push(o);
    if (o.type === 'market') this.execute(o, price, o.qty);
    return o;
  }

  /** Fill a working order (all of it, or `qty` of it) at `price`, as the market would. */
  fill(clientId: string, price: number, qty?: number): BookOrder {
    const o = this.byClientId(clientId);
    if (!o) throw new Error(`no order ${clientId}`);
    this.execute(o, price, qty ?? o.qty - o.filled);
    return o;
  }

  cancel(o: BookOrder): 'ok' | 'not_open' {
    if (o.status !== 'open') return 'not_open';
    o.status = 'canceled';
    o.updatedAt = Date.now();
    return 'ok';
  }

  private execute(o: BookOrder, price: number, qty: number): void {
    const notional = qty * price;
    const fee = notional * this.s.feeRate;
    const add = (asset: string, v: number) => this.balances.set(asset, Number((this.balance(asset) + v).toPrecision(15)));
    if (o.side === 'buy') {
      add(o.quote, -notional);
      if (this.s.buyFeeIn === 'base') {
        add(o.base, qty - fee / price);
        o.feeAsset = o.base;
        o.fee += fee / price;
      } else {
        add(o.base, qty);
        add(o.quote, -fee);
        o.feeAsset = o.quote;
        o.fee += fee;
      }
    } else {
      add(o.base, -qty);
      add(o.quote, notional - fee);
      o.feeAsset = o.quote;
      o.fee += fee;
    }
    o.avgPrice = o.avgPrice === null ? price : (o.avgPrice * o.filled + price * qty) / (o.filled + qty);
    o.filled += qty;
    o.updatedAt = Date.now();
    if (o.filled >= o.qty - 1e-12) o.status = 'filled';
  }
}

/** Faults a fake answers with on demand, counted down per request. */
export class FaultPlan {
  rateLimitNext = 0;
  failNext = 0;
  /** Hold the answers to the next N order placements this long, after the order is made: the client times
   * out although the order exists, the case a resend must not double. */
  stallNext = 0;
  stallMs = 0;

  /** The fault for this request, if any (stalls are applied when answering). */
  take(): 'rate_limit' | 'fail' | null {
    if (this.rateLimitNext > 0) {
      this.rateLimitNext--;
      return 'rate_limit';
    }
    if (this.failNext > 0) {
      this.failNext--;
      return 'fail';
    }
    return null;
  }

  /** Answer an order placement now, or later when a stall is planned. */
  answerPlacement(answer: () => void): void {
    if (this.stallNext > 0) {
      this.stallNext--;
      setTimeout(answer, this.stallMs);
    } else answer();
  }
}

