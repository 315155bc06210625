import type { ClosedTrade, Fill, Order, OrderStatus, PortfolioSnapshot, Position, TradingDay } from '../domain/types.js';

/** The effect of one fill, applied atomically: order status, fill row, cash, position, closed trade. */
export interface FillEffect {
  fill: Fill;
  cashDelta: number;
  /** New state of the position; null when the fill closed it. */
  position: Position | null;
  closedTrade: ClosedTrade | null;
}

/** The books: orders, fills, positions, cash, closed trades and end-of-day snapshots. */
export interface TradingRepository {
  /** Insert a new order; false when the client order id exists already (nothing is changed). */
  insertOrder(order: Order): Promise<boolean>;
  /** The order with this client order id, or null. */
  getOrder(clientOrderId: string): Promise<Order | null>;
  /** Change an order's status, with a note and the broker's order id when known. */
  setOrderStatus(clientOrderId: string, status: OrderStatus, note?: string, brokerOrderId?: string): Promise<void>;
  /** Every order in one of `statuses`. */
  ordersWithStatus(statuses: OrderStatus[]): Promise<Order[]>;
  /** The orders of a trading day. */
  ordersOn(day: TradingDay): Promise<Order[]>;
  /** The latest orders, newest first, with their fills' notes. */
  recentOrders(limit: number): Promise<Array<Order & { note: string | null }>>;
  /** Apply a fill in one transaction; a second call for the same order is a no-op returning false.
   * `insideTransaction` runs after the fill row is written and before the rest (a test hook). */
  applyFill(effect: FillEffect, insideTransaction?: () => void): Promise<boolean>;
  /** The fill of an order, or null when it has none. */
  getFill(clientOrderId: string): Promise<Fill | null>;
  /** The trade a sell fill closed, by the fill's client order id. */
  closedTradeFor(clientOrderId: string): Promise<ClosedTrade | null>;
  /** The open positions. */
  positions(): Promise<Position[]>;
  /** Move a position's stop, target and high-water mark (trailing stops). */
  updatePositionLevels(symbol: string, levels: { stopLoss: number; target: number; highWater: number }): Promise<void>;
  /** The cash of the account. */
  cash(): Promise<number>;
  /** Create the account with its starting cash once; later calls change nothing. */
  ensureAccount(startingCash: number): Promise<void>;
  /** The trades closed from `fromDay` to `toDay`, both included. */
  closedTrades(fromDay: TradingDay, toDay: TradingDay): Promise<ClosedTrade[]>;
  /** Trades closed after `at` (all when null), oldest first. */
  tradesClosedAfter(at: Date | null): Promise<ClosedTrade[]>;
  /** Entry orders that filled (fully or partly) on days in [fromDay, toDay]. */
  countEntries(fromDay: TradingDay, toDay: TradingDay): Promise<number>;
  /** When the last entry filled, or null. */
  lastEntryAt(): Promise<Date | null>;
  /** Every fill, oldest first. */
  fills(): Promise<Fill[]>;
  /** Store the end-of-day snapshot of its day (a rerun replaces it). */
  upsertSnapshot(s: PortfolioSnapshot): Promise<void>;
  /** The latest snapshot strictly before `day`. */
  snapshotBefore(day: TradingDay): Promise<PortfolioSnapshot | null>;
  /** The snapshots from `fromDay` to `toDay`, both included, oldest first. */
  snapshots(fromDay: TradingDay, toDay: TradingDay): Promise<PortfolioSnapshot[]>;
  /** Highest end-of-day equity on days >= `fromDay` (all days when null). */
  peakEquity(fromDay?: TradingDay | null): Promise<number | null>;
}
