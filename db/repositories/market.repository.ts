/** Instruments, candles and indicators in PostgreSQL. Bulk writes are multi-row upserts in chunks. */
import type pg from 'pg';
import { FEATURES, featureColumn, type IndicatorRow, type IndicatorSeries } from '../../src/market/indicators.js';
import { copyLines, copyValue } from '../copy.js';
import { sql, type Kysely } from 'kysely';
import type { Candle, Instrument, TradingDay } from '../../src/domain/types.js';
import type { CandleRepository, IndicatorRepository, InstrumentRepository } from '../../src/ports/repositories.port.js';
import type { Database } from '../schema.js';

/** The last day of each instrument in a table keyed by (symbol, day): one primary-key lookup per instrument. */
export async function lastDayPerInstrument(db: Kysely<Database>, table: 'indicators' | 'instrument_metrics'): Promise<Map<string, TradingDay>> {
  const rows = await sql<{ symbol: string; day: string }>`
    select i.symbol, t.day from instruments i
    cross join lateral (select day from ${sql.table(table)} where symbol = i.symbol order by day desc limit 1) t`.execute(db);
  return new Map(rows.rows.map((r) => [r.symbol, r.day]));
}

/** Rows per INSERT statement: stays below PostgreSQL's 65,535 bind parameters for the widest table. */
const CHUNK = 2000;

export function chunks<T>(rows: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

export class PgInstrumentRepository implements InstrumentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async upsertMany(instruments: Instrument[]): Promise<number> {
    for (const part of chunks(instruments)) {
      await this.db.insertInto('instruments')
        .values(part.map((i) => ({ symbol: i.symbol, name: i.name, sector: i.sector, market_cap: i.marketCap, updated_at: new Date() })))
        .onConflict((oc) => oc.column('symbol').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'), sector: eb.ref('excluded.sector'), market_cap: eb.ref('excluded.market_cap'), updated_at: eb.ref('excluded.updated_at'),
        })))
        .execute();
    }
    return instruments.length;
  }

  async list(): Promise<Instrument[]> {
    const rows = await this.db.selectFrom('instruments').selectAll().orderBy('symbol').execute();
    return rows.map((r) => ({ symbol: r.symbol, name: r.name, sector: r.sector, marketCap: r.market_cap }));
  }
}

export class PgCandleRepository implements CandleRepository {
  constructor(private readonly db: Kysely<Database>, private readonly pool: pg.Pool) {}

  async insertNew(candles: Candle[]): Promise<number> {
    if (candles.length === 0) return 0;
    const lines = (function* () {
      for (const c of candles) yield `${c.symbol}\t${c.day}\t${c.open}\t${c.high}\t${c.low}\t${c.close}\t${c.volume}\n`;
    })();
    await copyLines(this.pool, 'candles', ['symbol', 'day', 'open', 'high', 'low', 'close', 'volume'], lines);
    return candles.length;
  }

  async lastBars(): Promise<Map<string, { day: TradingDay; close: number }>> {
    // One primary-key lookup per instrument (the pipeline stores candles only for instruments), instead of
    // scanning every stored bar.
    const rows = await sql<{ symbol: string; day: string; close: number }>`
      select i.symbol, c.day, c.close from instruments i
      cross join lateral (select day, close from candles where symbol = i.symbol order by day desc limit 1) c`.execute(this.db);
    return new Map(rows.rows.map((r) => [r.symbol, { day: r.day, close: r.close }]));
  }

  async since(symbols: string[], from: TradingDay): Promise<Map<string, Candle[]>> {
    const out = new Map<string, Candle[]>(symbols.map((s) => [s, []]));
    if (symbols.length === 0) return out;
    const rows = await this.db.selectFrom('candles').selectAll().where('symbol', 'in', symbols).where('day', '>=', from).orderBy('symbol').orderBy('day').execute();
    for (const r of rows) out.get(r.symbol)?.push(r);
    return out;
  }

  async lastOnOrBefore(symbol: string, day: TradingDay): Promise<Candle | null> {
    const r = await this.db.selectFrom('candles').selectAll().where('symbol', '=', symbol).where('day', '<=', day).orderBy('day', 'desc').limit(1).executeTakeFirst();
    return r ?? null;
  }

  async countOn(day: TradingDay): Promise<number> {
    const r = await this.db.selectFrom('candles').select((eb) => eb.fn.countAll<number>().as('n')).where('day', '=', day).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}

export class PgIndicatorRepository implements IndicatorRepository {
  constructor(private readonly db: Kysely<Database>, private readonly pool: pg.Pool) {}

  async insertNew(series: IndicatorSeries[]): Promise<number> {
    let n = 0;
    const lines = (function* () {
      for (const s of series) {
        const cols = FEATURES.map((f) => s.values[f]);
        for (let i = 0; i < s.days.length; i++) {
          let line = `${s.symbol}\t${s.days[i]}\t${s.close[i]}`;
          for (const col of cols) line += `\t${copyValue(col[i])}`;
          n++;
          yield `${line}\n`;
        }
      }
    })();
    await copyLines(this.pool, 'indicators', ['symbol', 'day', 'close', ...FEATURES.map(featureColumn)], lines);
    return n;
  }

  async latestDayOnOrBefore(day: TradingDay): Promise<TradingDay | null> {
    const r = await this.db.selectFrom('indicators').select(sql<string | null>`max(day)`.as('d')).where('day', '<=', day).executeTakeFirst();
    return r?.d ?? null;
  }

  async onDay(day: TradingDay): Promise<IndicatorRow[]> {
    const rows = (await this.db.selectFrom('indicators').selectAll().where('day', '=', day).orderBy('symbol').execute()) as Array<Record<string, unknown>>;
    return rows.map((r) => {
      const out = { symbol: r.symbol, day: r.day, close: r.close } as IndicatorRow;
      for (const f of FEATURES) out[f] = (r[featureColumn(f)] as number | null) ?? null;
      return out;
    });
  }

  async lastDays(): Promise<Map<string, TradingDay>> {
    return lastDayPerInstrument(this.db, 'indicators');
  }
}
