/** The paper broker's order book: each order with its latest result, as JSON. */
import { sql, type Kysely } from 'kysely';
import type { Order } from '../../src/domain/types.js';
import type { BrokerOrderResult } from '../../src/ports/broker.port.js';
import type { PaperLedger } from '../../src/ports/repositories.port.js';
import type { Database } from '../schema.js';

interface StoredPaperOrder { order: Omit<Order, 'createdAt'> & { createdAt: string }; result: BrokerOrderResult & { fill?: { at: string | Date } } }

function revive(json: Record<string, unknown>): { order: Order; result: BrokerOrderResult } {
  const s = json as unknown as StoredPaperOrder;
  const order: Order = { ...s.order, createdAt: new Date(s.order.createdAt) };
  const result = ('fill' in s.result && s.result.fill ? { ...s.result, fill: { ...s.result.fill, at: new Date(s.result.fill.at) } } : s.result) as BrokerOrderResult;
  return { order, result };
}

export class PgPaperLedger implements PaperLedger {
  constructor(private readonly db: Kysely<Database>) {}

  async get(clientOrderId: string) {
    const r = await this.db.selectFrom('paper_orders').select('result').where('client_order_id', '=', clientOrderId).executeTakeFirst();
    return r ? revive(r.result) : null;
  }

  async put(order: Order, result: BrokerOrderResult): Promise<void> {
    const json = JSON.parse(JSON.stringify({ order, result })) as Record<string, unknown>;
    await this.db.insertInto('paper_orders').values({ client_order_id: order.clientOrderId, result: JSON.stringify(json) })
      .onConflict((oc) => oc.column('client_order_id').doUpdateSet({ result: JSON.stringify(json) })).execute();
  }

  async open(): Promise<Order[]> {
    const rows = await this.db.selectFrom('paper_orders').select('result')
      .where(sql<string>`result->'result'->>'status'`, '=', 'submitted').orderBy('at').execute();
    return rows.map((r) => revive(r.result).order);
  }
}
