/** Offline market data from a directory: one SYMBOL.csv per symbol (header date,open,high,low,close,volume),
 * directly in the folder or in its `daily/` subfolder, and optionally `constituents.csv` (Symbol, Name,
 * Sector, Market Cap). The most recently used parsed files are kept in memory (a bounded cache). */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { OperationalError, UserError } from '../../domain/errors.js';
import type { BarColumns, Fundamentals, Instrument, RawCandle, TradingDay } from '../../domain/types.js';
import type { MarketData } from '../../ports/market-data.port.js';
import { numberOrNull, parseBarCsv, parseCsv } from './csv-parse.js';
import { isCalendarDay } from '../../market/validation.js';

/** A parsed file as columns (NaN: an empty or non-numeric cell), in file order. */
interface ParsedFile extends BarColumns {
  /** Days strictly ascending, so a range can be found by binary search. */
  sorted: boolean;
}

/** The first index whose day is >= `day` in days sorted ascending (files are oldest first). */
function lowerBound(days: string[], day: string): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (days[mid]! < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class CsvMarketData implements MarketData {
  readonly name = 'csv';
  private readonly barsDir: string;
  /** Parsed files, least recently used first; at most `cacheSymbols`, so memory does not grow with the universe. */
  private readonly cache = new Map<string, ParsedFile>();

  constructor(private readonly dir: string, private readonly calendarSymbol: string, private readonly cacheSymbols = 64) {
    this.barsDir = existsSync(path.join(dir, 'daily')) ? path.join(dir, 'daily') : dir;
  }

  async probe(): Promise<void> {
    if (!existsSync(this.barsDir)) throw new OperationalError(`market data directory ${this.barsDir} is missing`);
  }

  async listInstruments(): Promise<Instrument[]> {
    const files = (await readdir(this.barsDir)).filter((f) => f.endsWith('.csv') && f !== 'constituents.csv');
    const meta = await this.readConstituents();
    return files.map((f) => f.slice(0, -4)).sort().map((symbol) => meta.get(symbol) ?? { symbol, name: symbol, sector: null, marketCap: null });
  }

  async getDailyCandles(symbol: string, from: TradingDay, to: TradingDay): Promise<RawCandle[]> {
    const b = await this.getDailyColumns(symbol, from, to);
    return b.days.map((day, i) => ({ symbol, day, open: orNull(b.open[i]!), high: orNull(b.high[i]!), low: orNull(b.low[i]!), close: orNull(b.close[i]!), volume: orNull(b.volume[i]!) }));
  }

  /** The file's rows with from <= day <= to, in file order: views of the cached columns when the file is
   * sorted (no copy), copies of the matching rows otherwise. A row whose date is not a calendar day has no
   * place in a range: it is always returned, so validation rejects it with its reason instead of it vanishing. */
  async getDailyColumns(symbol: string, from: TradingDay, to: TradingDay): Promise<BarColumns> {
    const f = await this.load(symbol);
    if (f.sorted) {
      const lo = lowerBound(f.days, from);
      let hi = lowerBound(f.days, to);
      if (hi < f.days.length && f.days[hi] === to) hi++;
      return {
        days: f.days.slice(lo, hi), open: f.open.subarray(lo, hi), high: f.high.subarray(lo, hi), low: f.low.subarray(lo, hi),
        close: f.close.subarray(lo, hi), volume: f.volume.subarray(lo, hi),
      };
    }
    const rows: number[] = [];
    for (let i = 0; i < f.days.length; i++) if ((f.days[i]! >= from && f.days[i]! <= to) || !isCalendarDay(f.days[i]!)) rows.push(i);
    const pick = (col: Float64Array) => Float64Array.from(rows, (i) => col[i]!);
    return { days: rows.map((i) => f.days[i]!), open: pick(f.open), high: pick(f.high), low: pick(f.low), close: pick(f.close), volume: pick(f.volume) };
  }

  async lastDay(): Promise<TradingDay | null> {
    return (await this.getDailyCandles(this.calendarSymbol, '0001-01-01', '9999-12-31')).at(-1)?.day ?? null;
  }

  async tradingDays(from: TradingDay, to: TradingDay): Promise<TradingDay[]> {
    const bars = await this.getDailyCandles(this.calendarSymbol, from, to);
    return [...new Set(bars.map((b) => b.day))];
  }

  /** A parsed file, kept compact: the days, and open/high/low/close/volume as Float64Arrays (NaN: empty). */
  private async load(symbol: string): Promise<ParsedFile> {
    const cached = this.cache.get(symbol);
    if (cached) {
      this.cache.delete(symbol); // move to the most recently used end
      this.cache.set(symbol, cached);
      return cached;
    }
    if (!/^[A-Za-z0-9.\-^=]+$/.test(symbol)) throw new UserError(`invalid symbol "${symbol}" (file "${symbol}.csv"): a symbol is letters, digits and . - ^ =`);
    const file = path.join(this.barsDir, `${symbol}.csv`);
    if (!existsSync(file)) throw new UserError(`unknown symbol ${symbol}: no ${file}`);
    let bars: BarColumns;
    try {
      bars = parseBarCsv(await readFile(file, 'utf8'), true);
    } catch (err) {
      throw new OperationalError(`${file}: ${(err as Error).message}`);
    }
    // Kept in file order: validation reports out-of-order and duplicate days, so nothing is sorted away here.
    const days = bars.days;
    const parsed: ParsedFile = { ...bars, sorted: days.every((x, i) => (i === 0 || days[i - 1]! < x) && isCalendarDay(x)) };
    this.cache.set(symbol, parsed);
    while (this.cache.size > this.cacheSymbols) this.cache.delete(this.cache.keys().next().value!);
    return parsed;
  }

  /** Fundamentals from constituents.csv (P/E, EPS, dividend yield in percent, 52-week range, market cap,
   * EBITDA, P/S, P/B). A 52-week low above the high is a swapped pair: corrected and reported. */
  async getFundamentals(symbols: string[]): Promise<{ rows: Fundamentals[]; corrected: Array<{ symbol: string; reason: string }> }> {
    const file = path.join(this.dir, 'constituents.csv');
    const rows: Fundamentals[] = [];
    const corrected: Array<{ symbol: string; reason: string }> = [];
    if (!existsSync(file)) return { rows, corrected };
    const table = parseCsv(await readFile(file, 'utf8'));
    const header = (table.shift() ?? []).map((h) => h.trim().toLowerCase());
    const col = (name: string) => header.indexOf(name);
    const c = {
      symbol: col('symbol'), pe: col('price/earnings'), dy: col('dividend yield'), eps: col('earnings/share'), lo: col('52 week low'),
      hi: col('52 week high'), cap: col('market cap'), ebitda: col('ebitda'), ps: col('price/sales'), pb: col('price/book'),
    };
    const wanted = new Set(symbols);
    for (const r of table) {
      const symbol = r[c.symbol]?.trim() ?? '';
      if (!wanted.has(symbol)) continue;
      let lo = numberOrNull(r[c.lo]);
      let hi = numberOrNull(r[c.hi]);
      if (lo !== null && hi !== null && lo > hi) {
        corrected.push({ symbol, reason: `52-week low ${lo} above 52-week high ${hi}: columns swapped, stored as low ${hi}, high ${lo}` });
        [lo, hi] = [hi, lo];
      }
      const dy = numberOrNull(r[c.dy]);
      rows.push({
        symbol, marketCap: numberOrNull(r[c.cap]), pe: numberOrNull(r[c.pe]), pb: numberOrNull(r[c.pb]), ps: numberOrNull(r[c.ps]),
        eps: numberOrNull(r[c.eps]), dividendYield: dy === null ? null : dy / 100, ebitda: numberOrNull(r[c.ebitda]),
        roe: null, beta: null, debtToEquity: null, profitMargin: null, revenueGrowth: null, earningsGrowth: null, week52Low: lo, week52High: hi,
      });
    }
    return { rows, corrected };
  }

  private async readConstituents(): Promise<Map<string, Instrument>> {
    const file = path.join(this.dir, 'constituents.csv');
    const out = new Map<string, Instrument>();
    if (!existsSync(file)) return out;
    const rows = parseCsv(await readFile(file, 'utf8'));
    const header = rows.shift() ?? [];
    const idx = (name: string) => header.findIndex((h) => h.trim().toLowerCase() === name);
    const [s, n, sec, cap] = ['symbol', 'name', 'sector', 'market cap'].map(idx);
    for (const r of rows) {
      const symbol = r[s!]?.trim();
      if (!symbol) continue;
      out.set(symbol, { symbol, name: r[n!]?.trim() || symbol, sector: r[sec!]?.trim() || null, marketCap: numberOrNull(r[cap!]) });
    }
    return out;
  }
}

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);
