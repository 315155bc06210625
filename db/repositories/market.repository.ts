/** Instruments, candles and indicators in PostgreSQL. Bulk writes are multi-row upserts in chunks. */
import { sql, type Kysely } from 'kysely';
import type { Candle, IndicatorRow, Instrument, TradingDay } from '../../src/domain/types.js';
import type { CandleRepository, IndicatorRepository, InstrumentRepository } from '../../src/ports/repositories.port.js';
import type { Database } from '../schema.js';

/** Rows per INSERT statement: stays below PostgreSQL's 65,535 bind parameters for the widest table. */
const CHUNK = 2000;
/** Rows per `insert ... select from unnest(arrays)`: one bind parameter per column, whatever the rows. */
const UNNEST_CHUNK = 20_000;

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
  constructor(private readonly db: Kysely<Database>) {}

  async upsertMany(candles: Candle[]): Promise<number> {
    for (const part of chunks(candles, UNNEST_CHUNK)) {
      const col = <K extends keyof Candle>(k: K) => part.map((c) => c[k]);
      await sql`
        insert into candles (symbol, day, open, high, low, close, volume)
        select * from unnest(${col('symbol')}::text[], ${col('day')}::date[], ${col('open')}::float8[], ${col('high')}::float8[],
                             ${col('low')}::float8[], ${col('close')}::float8[], ${col('volume')}::float8[])
        on conflict (symbol, day) do update set open = excluded.open, high = excluded.high, low = excluded.low,
          close = excluded.close, volume = excluded.volume`.execute(this.db);
    }
    return candles.length;
  }

  async lastDays(): Promise<Map<string, TradingDay>> {
    const rows = await this.db.selectFrom('candles').select(['symbol', sql<string>`max(day)`.as('last')]).groupBy('symbol').execute();
    return new Map(rows.map((r) => [r.symbol, r.last]));
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
  constructor(private readonly db: Kysely<Database>) {}

  async upsertMany(rows: IndicatorRow[]): Promise<number> {
    for (const part of chunks(rows, UNNEST_CHUNK)) {
      const col = <K extends keyof IndicatorRow>(k: K) => part.map((r) => r[k]);
      const nums = INDICATOR_FIELDS.map(([field]) => sql`${col(field)}::float8[]`);
      const names = sql.raw(INDICATOR_FIELDS.map(([, column]) => column).join(', '));
      const updates = sql.raw(INDICATOR_FIELDS.map(([, column]) => `${column} = excluded.${column}`).join(', '));
      await sql`
        insert into indicators (symbol, day, ${names})
        select * from unnest(${col('symbol')}::text[], ${col('day')}::date[], ${sql.join(nums)})
        on conflict (symbol, day) do update set ${updates}`.execute(this.db);
    }
    return rows.length;
  }

  async latestDayOnOrBefore(day: TradingDay): Promise<TradingDay | null> {
    const r = await this.db.selectFrom('indicators').select(sql<string | null>`max(day)`.as('d')).where('day', '<=', day).executeTakeFirst();
    return r?.d ?? null;
  }

  async onDay(day: TradingDay): Promise<IndicatorRow[]> {
    const rows = await this.db.selectFrom('indicators').selectAll().where('day', '=', day).orderBy('symbol').execute();
    return rows.map((r) => ({
      symbol: r.symbol, day: r.day, close: r.close, rsi14: r.rsi14, macd: r.macd, macdSignal: r.macd_signal, macdHist: r.macd_hist,
      sma20: r.sma20, sma50: r.sma50, sma200: r.sma200, ema12: r.ema12, ema26: r.ema26, atr14: r.atr14,
      bbUpper: r.bb_upper, bbMiddle: r.bb_middle, bbLower: r.bb_lower, roc20: r.roc20, roc63: r.roc63,
    }));
  }
}

/** IndicatorRow fields and their columns, in table order after symbol and day. */
const INDICATOR_FIELDS = [
  ['close', 'close'], ['rsi14', 'rsi14'], ['macd', 'macd'], ['macdSignal', 'macd_signal'], ['macdHist', 'macd_hist'],
  ['sma20', 'sma20'], ['sma50', 'sma50'], ['sma200', 'sma200'], ['ema12', 'ema12'], ['ema26', 'ema26'], ['atr14', 'atr14'],
  ['bbUpper', 'bb_upper'], ['bbMiddle', 'bb_middle'], ['bbLower', 'bb_lower'], ['roc20', 'roc20'], ['roc63', 'roc63'],
] as const satisfies ReadonlyArray<readonly [keyof IndicatorRow, string]>;
