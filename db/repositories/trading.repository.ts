/** Orders, fills, positions, cash, closed trades and portfolio snapshots. A fill and everything it
 * changes are written in one transaction, guarded by the unique client order id of the fill. */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { ClosedTrade, Fill, Order, OrderReason, OrderSide, OrderStatus, OrderType, PortfolioSnapshot, Position, RiskProfile, TradingDay } from '../../src/domain/types.js';
import type { FillEffect, TradingRepository } from '../../src/ports/repositories.port.js';
import type { ClosedTradesTable, Database, OrdersTable, SnapshotsTable } from '../schema.js';

function toOrder(r: Selectable<OrdersTable>): Order {
  return {
    clientOrderId: r.client_order_id, day: r.day, symbol: r.symbol, side: r.side as OrderSide, type: r.type as OrderType,
    qty: r.qty, limitPrice: r.limit_price, stopPrice: r.stop_price, reason: r.reason as OrderReason, status: r.status as OrderStatus,
    pickProfile: r.pick_profile as RiskProfile | null, createdAt: r.created_at,
  };
}

function toTrade(r: Selectable<ClosedTradesTable>): ClosedTrade {
  return {
    symbol: r.symbol, qty: r.qty, entryPrice: r.entry_price, exitPrice: r.exit_price, pnl: r.pnl, reason: r.reason as OrderReason,
    openedDay: r.opened_day, closedDay: r.closed_day, profile: r.profile as RiskProfile | null, model: r.model, closedAt: r.closed_at,
  };
}

function toSnapshot(r: Selectable<SnapshotsTable>): PortfolioSnapshot {
  return { day: r.day, cash: r.cash, equity: r.equity, exposure: r.exposure, realizedPnl: r.realized_pnl, unrealizedPnl: r.unrealized_pnl, drawdown: r.drawdown };
}

export class PgTradingRepository implements TradingRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertOrder(o: Order): Promise<boolean> {
    const res = await this.db.insertInto('orders').values({
      client_order_id: o.clientOrderId, day: o.day, symbol: o.symbol, side: o.side, type: o.type, qty: o.qty,
      limit_price: o.limitPrice, stop_price: o.stopPrice,
      reason: o.reason, status: o.status, pick_profile: o.pickProfile, created_at: o.createdAt,
    }).onConflict((oc) => oc.column('client_order_id').doNothing()).executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async getOrder(id: string): Promise<Order | null> {
    const r = await this.db.selectFrom('orders').selectAll().where('client_order_id', '=', id).executeTakeFirst();
    return r ? toOrder(r) : null;
  }

  async setOrderStatus(id: string, status: OrderStatus, note?: string, brokerOrderId?: string): Promise<void> {
    await this.db.updateTable('orders')
      .set({ status, note: note ?? null, updated_at: new Date(), ...(brokerOrderId ? { broker_order_id: brokerOrderId } : {}) })
      .where('client_order_id', '=', id).execute();
  }

  async recentOrders(limit: number) {
    const rows = await this.db.selectFrom('orders').selectAll().orderBy('created_at', 'desc').orderBy('client_order_id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ ...toOrder(r), note: r.note }));
  }

  async ordersWithStatus(statuses: OrderStatus[]): Promise<Order[]> {
    const rows = await this.db.selectFrom('orders').selectAll().where('status', 'in', statuses).orderBy('created_at').execute();
    return rows.map(toOrder);
  }

  async ordersOn(day: TradingDay): Promise<Order[]> {
    const rows = await this.db.selectFrom('orders').selectAll().where('day', '=', day).orderBy('created_at').execute();
    return rows.map(toOrder);
  }

  async getFill(id: string): Promise<Fill | null> {
    const r = await this.db.selectFrom('fills').selectAll().where('client_order_id', '=', id).executeTakeFirst();
    return r ? { clientOrderId: r.client_order_id, symbol: r.symbol, side: r.side as OrderSide, qty: r.qty, price: r.price, fee: r.fee, at: r.at } : null;
  }

  async applyFill(e: FillEffect, insideTransaction?: () => void): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const f = e.fill;
      const ins = await tx.insertInto('fills').values({
        client_order_id: f.clientOrderId, symbol: f.symbol, side: f.side, qty: f.qty, price: f.price, fee: f.fee, at: f.at,
      }).onConflict((oc) => oc.column('client_order_id').doNothing()).executeTakeFirst();
      if (Number(ins.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      insideTransaction?.();
      const order = await tx.selectFrom('orders').select('qty').where('client_order_id', '=', f.clientOrderId).executeTakeFirst();
      const status = order && f.qty < order.qty ? 'partially_filled' : 'filled';
      await tx.updateTable('orders').set({ status, updated_at: new Date() }).where('client_order_id', '=', f.clientOrderId).execute();
      await tx.updateTable('account').set((eb) => ({ cash: eb('cash', '+', e.cashDelta) })).where('id', '=', 1).execute();
      if (e.position) {
        const p = e.position;
        const row = {
          symbol: p.symbol, qty: p.qty, avg_price: p.avgPrice, stop_loss: p.stopLoss, target: p.target, opened_day: p.openedDay, profile: p.profile,
          high_water: p.highWater, model: p.model,
        };
        await tx.insertInto('positions').values(row).onConflict((oc) => oc.column('symbol').doUpdateSet(row)).execute();
      } else {
        await tx.deleteFrom('positions').where('symbol', '=', f.symbol).execute();
      }
      if (e.closedTrade) {
        const t = e.closedTrade;
        await tx.insertInto('closed_trades').values({
          client_order_id: f.clientOrderId, symbol: t.symbol, qty: t.qty, entry_price: t.entryPrice, exit_price: t.exitPrice,
          pnl: t.pnl, reason: t.reason, opened_day: t.openedDay, closed_day: t.closedDay, profile: t.profile, model: t.model, closed_at: t.closedAt,
        }).execute();
      }
      return true;
    });
  }

  async positions(): Promise<Position[]> {
    const rows = await this.db.selectFrom('positions').selectAll().orderBy('symbol').execute();
    return rows.map((r) => ({
      symbol: r.symbol, qty: r.qty, avgPrice: r.avg_price, stopLoss: r.stop_loss, target: r.target, openedDay: r.opened_day,
      profile: r.profile as RiskProfile | null, highWater: r.high_water, model: r.model,
    }));
  }

  async updatePositionLevels(symbol: string, l: { stopLoss: number; target: number; highWater: number }): Promise<void> {
    await this.db.updateTable('positions').set({ stop_loss: l.stopLoss, target: l.target, high_water: l.highWater }).where('symbol', '=', symbol).execute();
  }

  async cash(): Promise<number> {
    const r = await this.db.selectFrom('account').select('cash').where('id', '=', 1).executeTakeFirst();
    return r?.cash ?? 0;
  }

  async ensureAccount(startingCash: number): Promise<void> {
    await this.db.insertInto('account').values({ id: 1, cash: startingCash }).onConflict((oc) => oc.column('id').doNothing()).execute();
  }

  async closedTrades(fromDay: TradingDay, toDay: TradingDay): Promise<ClosedTrade[]> {
    const rows = await this.db.selectFrom('closed_trades').selectAll().where('closed_day', '>=', fromDay).where('closed_day', '<=', toDay).orderBy('id').execute();
    return rows.map(toTrade);
  }

  async closedTradeFor(id: string): Promise<ClosedTrade | null> {
    const r = await this.db.selectFrom('closed_trades').selectAll().where('client_order_id', '=', id).executeTakeFirst();
    return r ? toTrade(r) : null;
  }

  async tradesClosedAfter(at: Date | null): Promise<ClosedTrade[]> {
    let q = this.db.selectFrom('closed_trades').selectAll();
    if (at) q = q.where('closed_at', '>', at);
    return (await q.orderBy('closed_at').orderBy('id').execute()).map(toTrade);
  }

  async countEntries(fromDay: TradingDay, toDay: TradingDay): Promise<number> {
    const r = await this.db.selectFrom('orders').select((eb) => eb.fn.countAll<string>().as('n'))
      .where('reason', '=', 'entry').where('status', 'in', ['filled', 'partially_filled']).where('day', '>=', fromDay).where('day', '<=', toDay)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async lastEntryAt(): Promise<Date | null> {
    const r = await this.db.selectFrom('fills').innerJoin('orders', 'orders.client_order_id', 'fills.client_order_id')
      .select(sql<Date | null>`max(fills.at)`.as('at')).where('orders.reason', '=', 'entry').executeTakeFirst();
    return r?.at ?? null;
  }

  async fills(): Promise<Fill[]> {
    const rows = await this.db.selectFrom('fills').selectAll().orderBy('id').execute();
    return rows.map((r) => ({ clientOrderId: r.client_order_id, symbol: r.symbol, side: r.side as OrderSide, qty: r.qty, price: r.price, fee: r.fee, at: r.at }));
  }

  async upsertSnapshot(s: PortfolioSnapshot): Promise<void> {
    const row = { day: s.day, cash: s.cash, equity: s.equity, exposure: s.exposure, realized_pnl: s.realizedPnl, unrealized_pnl: s.unrealizedPnl, drawdown: s.drawdown };
    await this.db.insertInto('portfolio_snapshots').values(row).onConflict((oc) => oc.column('day').doUpdateSet(row)).execute();
  }

  async snapshotBefore(day: TradingDay): Promise<PortfolioSnapshot | null> {
    const r = await this.db.selectFrom('portfolio_snapshots').selectAll().where('day', '<', day).orderBy('day', 'desc').limit(1).executeTakeFirst();
    return r ? toSnapshot(r) : null;
  }

  async snapshots(fromDay: TradingDay, toDay: TradingDay): Promise<PortfolioSnapshot[]> {
    const rows = await this.db.selectFrom('portfolio_snapshots').selectAll().where('day', '>=', fromDay).where('day', '<=', toDay).orderBy('day').execute();
    return rows.map(toSnapshot);
  }

  async peakEquity(fromDay?: TradingDay | null): Promise<number | null> {
    let q = this.db.selectFrom('portfolio_snapshots').select(sql<number | null>`max(equity)`.as('m'));
    if (fromDay) q = q.where('day', '>=', fromDay);
    return (await q.executeTakeFirst())?.m ?? null;
  }
}
