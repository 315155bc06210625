/** Instruments, candles and indicators in PostgreSQL. Bulk writes are multi-row upserts in chunks. */
import type pg from 'pg';
import { FEATURE_COUNT, FEATURES, featureColumn, toBarColumns, type BarColumns, type IndicatorRow, type IndicatorSeries } from '../../src/market/indicators.js';
import { STATE_VERSION } from '../../src/market/features/feature-kernel.js';
import { BinaryCopyReader, BinaryCopyWriter, copyBinary, copyBinaryOn, copyOutBinary, inClientTransaction } from '../copy-binary.js';
import { sql, type Kysely } from 'kysely';
import type { Candle, Instrument, TradingDay } from '../../src/domain/types.js';
import type { CandleRepository, IndicatorRepository, InstrumentRepository } from '../../src/ports/repositories.port.js';
import type { PointFundamentals } from '../../src/picks/screening.js';
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

  async refreshedAt(): Promise<Date | null> {
    const r = await this.db.selectFrom('instruments').select((eb) => eb.fn.max('updated_at').as('at')).executeTakeFirst();
    return r?.at ? new Date(r.at) : null;
  }

  async list(): Promise<Instrument[]> {
    const rows = await this.db.selectFrom('instruments').selectAll().orderBy('symbol').execute();
    return rows.map((r) => ({ symbol: r.symbol, name: r.name, sector: r.sector, marketCap: r.market_cap }));
  }

  async sectorsOf(symbols: readonly string[]): Promise<Map<string, string | null>> {
    if (symbols.length === 0) return new Map();
    const rows = await this.db.selectFrom('instruments').select(['symbol', 'sector']).where('symbol', 'in', [...symbols]).execute();
    return new Map(rows.map((r) => [r.symbol, r.sector]));
  }

  async sectorNames(): Promise<string[]> {
    const rows = await this.db.selectFrom('instruments').select('sector').distinct().where('sector', 'is not', null).orderBy('sector').execute();
    return rows.map((r) => r.sector!);
  }

  async fundamentalsHistory(): Promise<Array<PointFundamentals & { symbol: string }>> {
    const rows = await this.db.selectFrom('fundamentals').select(['symbol', 'as_of', 'pe', 'roe', 'debt_to_equity', 'market_cap']).execute();
    return rows.map((r) => ({ symbol: r.symbol, asOf: r.as_of, pe: r.pe, roe: r.roe, debtToEquity: r.debt_to_equity, marketCap: r.market_cap }));
  }
}

export class PgCandleRepository implements CandleRepository {
  constructor(private readonly db: Kysely<Database>, private readonly pool: pg.Pool) {}

  async insertNew(candles: Candle[]): Promise<number> {
    const bySymbol = new Map<string, Candle[]>();
    for (const c of candles) bySymbol.set(c.symbol, [...(bySymbol.get(c.symbol) ?? []), c]);
    return this.insertBars([...bySymbol].map(([symbol, list]) => ({ symbol, bars: toBarColumns(list) })));
  }

  async insertBars(list: ReadonlyArray<{ symbol: string; bars: BarColumns }>): Promise<number> {
    const w = new BinaryCopyWriter();
    const days = new Set<TradingDay>();
    let rows = 0;
    for (const { symbol, bars } of list) {
      const maxBytes = 4 * 7 + 8 * 6 + 4 * symbol.length + 8;
      for (let i = 0; i < bars.days.length; i++) {
        w.row(7, maxBytes);
        w.text(symbol);
        w.date(bars.days[i]!);
        w.float8(bars.open[i]!);
        w.float8(bars.high[i]!);
        w.float8(bars.low[i]!);
        w.float8(bars.close[i]!);
        w.float8(bars.volume[i]!);
        days.add(bars.days[i]!);
      }
      rows += bars.days.length;
    }
    if (rows === 0) return 0;
    // The bars and their days on the day axis in one transaction, so the axis never misses a stored day.
    await inClientTransaction(this.pool, async (client) => {
      await copyBinaryOn(client, 'candles', ['symbol', 'day', 'open', 'high', 'low', 'close', 'volume'], w.chunks());
      await client.query('insert into market_days (day) select unnest($1::date[]) on conflict do nothing', [[...days]]);
    });
    return rows;
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

  async columnsSince(symbols: string[], from: TradingDay): Promise<Map<string, BarColumns>> {
    const out = new Map<string, BarColumns>();
    if (symbols.length === 0) return out;
    const unique = [...new Set(symbols)];
    const list = unique.map((s) => `'${s.replace(/'/g, "''")}'`).join(', ');
    const fromLit = `'${from.replace(/[^0-9-]/g, '')}'::date`;
    // One index range scan per symbol, already in day order: no sort of the whole result. Rows carry the
    // symbol's position in the list and the day as a binary date, so reading them creates no string per row.
    const buf = await copyOutBinary(this.pool,
      `select i.k::int4, c.day, c.open, c.high, c.low, c.close, c.volume
       from unnest(array[${list}]::text[]) with ordinality i(symbol, k)
       cross join lateral (select day, open, high, low, close, volume from candles where symbol = i.symbol and day >= ${fromLit} order by day) c
       order by i.k, c.day`);
    // Two passes: count rows per symbol, then fill exact-size columns.
    const counts = new Int32Array(unique.length + 1);
    let r = new BinaryCopyReader(buf);
    while (r.next()) {
      counts[r.int4()]!++;
      for (let f = 0; f < 6; f++) r.skip();
    }
    const cols = unique.map((s, j) => {
      const n = counts[j + 1]!;
      const c: BarColumns = { days: new Array<TradingDay>(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
      out.set(s, c);
      return c;
    });
    r = new BinaryCopyReader(buf);
    let k = 0;
    let c: BarColumns | undefined;
    let i = 0;
    while (r.next()) {
      const at = r.int4();
      if (at !== k) {
        k = at;
        c = cols[k - 1];
        i = 0;
      }
      const col = c!;
      col.days[i] = r.date()!;
      col.open[i] = r.float8();
      col.high[i] = r.float8();
      col.low[i] = r.float8();
      col.close[i] = r.float8();
      col.volume[i] = r.float8();
      i++;
    }
    return out;
  }

  async lastOnOrBefore(symbol: string, day: TradingDay): Promise<Candle | null> {
    const r = await this.db.selectFrom('candles').selectAll().where('symbol', '=', symbol).where('day', '<=', day).orderBy('day', 'desc').limit(1).executeTakeFirst();
    return r ?? null;
  }

  async closesAtLags(symbols: string[], day: TradingDay, lags: readonly number[]): Promise<Map<string, Array<number | null>>> {
    const rows = await sql<{ symbol: string; lag: number; close: number }>`
      with numbered as (
        select day, (row_number() over (order by day desc) - 1)::int as lag
        from (select day from market_days where day <= ${day} order by day desc limit ${Math.max(...lags) + 1}) x
      )
      select c.symbol, n.lag, c.close from numbered n join candles c on c.day = n.day
      where n.lag = any(${[...lags]}::int[]) and c.symbol = any(${symbols})`.execute(this.db);
    const out = new Map<string, Array<number | null>>(symbols.map((sym) => [sym, lags.map(() => null)]));
    for (const r of rows.rows) out.get(r.symbol)![lags.indexOf(r.lag)] = Number(r.close);
    return out;
  }

  async lastDay(): Promise<TradingDay | null> {
    const r = await sql<{ day: string | null }>`select max(day)::text as day from market_days`.execute(this.db);
    return r.rows[0]?.day ?? null;
  }

  async equalWeightReturns(from: TradingDay, to: TradingDay): Promise<Map<TradingDay, number>> {
    const rows = await sql<{ day: string; r: number }>`
      select day, avg(close / prev - 1) as r from (
        select day, close, lag(close) over (partition by symbol order by day) as prev
        from candles where day >= ${from}::date - 14 and day <= ${to}
      ) x where prev > 0 and day >= ${from} group by day order by day`.execute(this.db);
    return new Map(rows.rows.map((r) => [r.day, Number(r.r)]));
  }

  async dayRange(): Promise<{ first: TradingDay; last: TradingDay } | null> {
    const r = await sql<{ first: string | null; last: string | null }>`select min(day)::text as first, max(day)::text as last from candles`.execute(this.db);
    const row = r.rows[0];
    return row?.first && row.last ? { first: row.first, last: row.last } : null;
  }

  async countOn(day: TradingDay): Promise<number> {
    const r = await this.db.selectFrom('candles').select((eb) => eb.fn.countAll<number>().as('n')).where('day', '=', day).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}

const INDICATOR_COLUMNS = ['symbol', 'day', 'close', ...FEATURES.map(featureColumn)];
/** The feature columns in FEATURES order, for a SELECT list. */
const FEATURE_COLUMNS = FEATURES.map(featureColumn).join(', ');

export class PgIndicatorRepository implements IndicatorRepository {
  constructor(private readonly db: Kysely<Database>, private readonly pool: pg.Pool) {}

  async insertNew(series: IndicatorSeries[]): Promise<number> {
    const w = new BinaryCopyWriter();
    const width = 3 + FEATURE_COUNT;
    let rows = 0;
    for (const s of series) {
      const n = s.days.length;
      const maxBytes = 4 * width + 8 * width + 4 * Buffer.byteLength(s.symbol) + 16;
      for (let i = 0; i < n; i++) {
        w.row(width, maxBytes);
        w.text(s.symbol);
        w.date(s.days[i]!);
        w.float8(s.close[i]!);
        for (let f = 0; f < FEATURE_COUNT; f++) w.float8(s.values[f * n + i]!);
        rows++;
      }
    }
    if (rows > 0) await copyBinary(this.pool, 'indicators', INDICATOR_COLUMNS, w.chunks());
    // The kernel state after each symbol's last new day, so the next day continues from it: COPY binary into
    // a staging table, then one upsert (bytea as parameters would travel as hex text, twice the bytes).
    const states = series.filter((s) => s.days.length > 0);
    if (states.length > 0) {
      const sw = new BinaryCopyWriter();
      for (const s of states) {
        sw.row(4, 4 * 4 + 4 * Buffer.byteLength(s.symbol) + 8 + 4 + s.state.byteLength + 8);
        sw.text(s.symbol);
        sw.date(s.days.at(-1)!);
        sw.int4(STATE_VERSION);
        sw.bytes(new Uint8Array(s.state.buffer, s.state.byteOffset, s.state.byteLength));
      }
      await inClientTransaction(this.pool, async (client) => {
        await client.query('create temporary table if not exists feature_state_stage (like feature_state including storage) on commit delete rows');
        await copyBinaryOn(client, 'feature_state_stage', ['symbol', 'day', 'version', 'state'], sw.chunks());
        await client.query(`insert into feature_state select * from feature_state_stage
          on conflict (symbol) do update set day = excluded.day, version = excluded.version, state = excluded.state`);
      });
    }
    return rows;
  }

  async states(symbols: string[]): Promise<Map<string, { day: TradingDay; state: Float64Array }>> {
    const out = new Map<string, { day: TradingDay; state: Float64Array }>();
    if (symbols.length === 0) return out;
    const rows = await this.db.selectFrom('feature_state').selectAll().where('symbol', 'in', symbols).where('version', '=', STATE_VERSION).execute();
    for (const r of rows) {
      // Copy into an aligned buffer: a Buffer from the driver may sit at any offset of a shared pool.
      const state = new Float64Array(r.state.byteLength / 8);
      new Uint8Array(state.buffer).set(r.state);
      out.set(r.symbol, { day: r.day, state });
    }
    return out;
  }

  async latestDayOnOrBefore(day: TradingDay): Promise<TradingDay | null> {
    const r = await this.db.selectFrom('indicators').select(sql<string | null>`max(day)`.as('d')).where('day', '<=', day).executeTakeFirst();
    return r?.d ?? null;
  }

  /** Every symbol's features on `day`, by symbol. Read by binary COPY: the 56 float columns of 500 rows
   * decode without a string per cell (the picks, the trade cycle and the volatility gauge read it daily). */
  async onDay(day: TradingDay): Promise<IndicatorRow[]> {
    const dayLit = `'${day.replace(/[^0-9-]/g, '')}'::date`;
    const buf = await copyOutBinary(this.pool, `select symbol, day::text, close, ${FEATURE_COLUMNS} from indicators where day = ${dayLit} order by symbol`);
    const out: IndicatorRow[] = [];
    const r = new BinaryCopyReader(buf);
    while (r.next()) {
      const row = { symbol: r.text()!, day: r.text()!, close: r.float8() } as IndicatorRow;
      for (const f of FEATURES) {
        const v = r.float8();
        row[f] = Number.isNaN(v) ? null : v;
      }
      out.push(row);
    }
    return out;
  }

  async lastDays(): Promise<Map<string, TradingDay>> {
    return lastDayPerInstrument(this.db, 'indicators');
  }
}
