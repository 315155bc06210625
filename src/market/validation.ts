/** Validation of raw provider rows: a row either becomes a Candle or is quarantined with a reason. Rows are
 * validated as columns (a full history has no object per bar); the row-object forms read them as columns. */
import { BAR_FIELDS, type BarColumns, type Candle, type RawCandle, type TradingDay } from '../domain/types.js';
import { epochDayOf } from './market-time.js';
import { clip } from '../domain/text.js';

export interface Rejected {
  raw: RawCandle;
  reason: string;
}

/** A real calendar day written YYYY-MM-DD, years 0001 to 9999. JavaScript's date parsing rolls 2017-11-31
 * over to December 1, PostgreSQL refuses it. */
export function isCalendarDay(day: string): boolean {
  return typeof day === 'string' && epochDayOf(day) !== null;
}

/** Why row i of `b` cannot be stored, or null when it is valid. */
export function rejectReasonAt(b: BarColumns, i: number): string | null {
  const day = b.days[i]!;
  if (!isCalendarDay(day)) return `invalid date "${clip(day, 40)}" (not a calendar day)`;
  const open = b.open[i]!;
  const high = b.high[i]!;
  const low = b.low[i]!;
  const close = b.close[i]!;
  const volume = b.volume[i]!;
  // x - x is 0 only for a finite x (NaN and ±Infinity give NaN).
  if (!(open - open === 0 && high - high === 0 && low - low === 0 && close - close === 0 && volume - volume === 0)) {
    return `empty or non-numeric field: ${BAR_FIELDS.filter((k) => !Number.isFinite(b[k][i]!)).join(', ')}`;
  }
  if (open <= 0 || high <= 0 || low <= 0 || close <= 0) return 'non-positive price';
  if (volume < 0) return 'negative volume';
  if (high < low) return 'high below low';
  if (close > high || close < low) return 'close outside [low, high]';
  if (open > high || open < low) return 'open outside [low, high]';
  return null;
}

/** Why this row cannot be stored, or null when it is valid. */
export function rejectReason(r: RawCandle): string | null {
  return rejectReasonAt(rawToColumns([r]), 0);
}

/** Raw rows (one symbol, in provider order) as columns, an empty or null field as NaN. */
export function rawToColumns(rows: readonly RawCandle[]): BarColumns {
  const n = rows.length;
  const b: BarColumns = { days: new Array<TradingDay>(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    b.days[i] = r.day;
    for (const k of BAR_FIELDS) b[k][i] = typeof r[k] === 'number' ? r[k] : Number.NaN;
  }
  return b;
}

/** Row i of `b` as a raw row (NaN back to null), for a quarantine entry. */
export function rawRowAt(symbol: string, b: BarColumns, i: number): RawCandle {
  const v = (x: number) => (Number.isNaN(x) ? null : x);
  return { symbol, day: clip(b.days[i]!, 40), open: v(b.open[i]!), high: v(b.high[i]!), low: v(b.low[i]!), close: v(b.close[i]!), volume: v(b.volume[i]!) };
}

/** The rows `keep` of `b` (indices ascending) as compact columns. */
export function pickRows(b: BarColumns, keep: Int32Array): BarColumns {
  const n = keep.length;
  if (n === b.days.length) return b;
  const out: BarColumns = { days: new Array<TradingDay>(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  for (let j = 0; j < n; j++) {
    const i = keep[j]!;
    out.days[j] = b.days[i]!;
    out.open[j] = b.open[i]!;
    out.high[j] = b.high[i]!;
    out.low[j] = b.low[i]!;
    out.close[j] = b.close[i]!;
    out.volume[j] = b.volume[i]!;
  }
  return out;
}

/** What a market's bars may plausibly show (`pipeline.*` in config, per market): a price range, a volume
 * ceiling, and limits on the move between consecutive accepted closes. Finite but absurd values (a price of
 * 1e150, a volume of 1e300) are rejected here, so no sum or average of stored bars can overflow. */
export interface BarLimits {
  /** A move larger than this that the next day undoes (back within half of it) is a spike: rejected. */
  spikeMove: number;
  /** A move larger than this is rejected as an extreme jump (data is split-adjusted, so no split explains it). */
  maxMove: number;
  /** Prices (open, high, low, close) below this are rejected. */
  minPrice: number;
  /** Prices above this are rejected. */
  maxPrice: number;
  /** A day's volume above this is rejected. */
  maxVolume: number;
}

export const DEFAULT_BAR_LIMITS: BarLimits = { spikeMove: 0.4, maxMove: 0.75, minPrice: 0.0001, maxPrice: 10_000_000, maxVolume: 100_000_000_000 };

/** Why row i breaks the market's price or volume bounds, or null. Called on rows that passed {@link rejectReasonAt}. */
function outOfBounds(b: BarColumns, i: number, limits: BarLimits): string | null {
  for (const k of ['open', 'high', 'low', 'close'] as const) {
    const x = b[k][i]!;
    if (x < limits.minPrice || x > limits.maxPrice) return `implausible ${k} ${x}: outside the market's price range [${limits.minPrice}, ${limits.maxPrice}]`;
  }
  if (b.volume[i]! > limits.maxVolume) return `implausible volume ${b.volume[i]}: above the market's ${limits.maxVolume}`;
  return null;
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

/**
 * Validate raw bars (one symbol, provider order): `keep` are the indices of the valid rows (ascending; their
 * days strictly ascending, one per day), `rejected` the others with reasons, in row order. `prevClose` is the
 * last stored close before these rows, if any, so moves are checked across runs too.
 */
export function validateBars(b: BarColumns, prevClose: number | null = null, limits: BarLimits = DEFAULT_BAR_LIMITS): { keep: Int32Array; rejected: Array<{ row: number; reason: string }> } {
  const n = b.days.length;
  const keep = new Int32Array(n);
  let kept = 0;
  const rejected: Array<{ row: number; reason: string }> = [];
  let lastDay = '';
  let lastClose = prevClose;
  const plain = new Array<string | null>(n);
  for (let i = 0; i < n; i++) plain[i] = rejectReasonAt(b, i) ?? outOfBounds(b, i, limits);
  for (let i = 0; i < n; i++) {
    const reason = plain[i];
    const day = b.days[i]!;
    if (reason) {
      rejected.push({ row: i, reason });
      continue;
    }
    if (day === lastDay) {
      rejected.push({ row: i, reason: 'duplicate date' });
      continue;
    }
    if (day < lastDay) {
      rejected.push({ row: i, reason: 'out-of-order date' });
      continue;
    }
    const close = b.close[i]!;
    if (lastClose !== null) {
      const move = close / lastClose - 1;
      if (Math.abs(move) > limits.spikeMove) {
        let nextIdx = i + 1;
        while (nextIdx < n && !(plain[nextIdx] === null && b.days[nextIdx]! > day)) nextIdx++;
        const next = nextIdx < n ? b.close[nextIdx]! : null;
        if (next !== null && Math.abs(next / lastClose - 1) < limits.spikeMove / 2) {
          rejected.push({ row: i, reason: `price spike: close ${pct(move)}, undone the next day` });
          continue;
        }
      }
      if (Math.abs(move) > limits.maxMove) {
        rejected.push({ row: i, reason: `extreme jump: close ${pct(move)} in a day without a split` });
        continue;
      }
    }
    lastDay = day;
    lastClose = close;
    keep[kept++] = i;
  }
  return { keep: keep.subarray(0, kept), rejected };
}

/**
 * Split rows into valid candles (oldest first, one per day) and rejected rows with reasons, by
 * {@link validateBars}. `prevClose` is the last stored close before these rows, if any.
 */
export function validateCandles(rows: RawCandle[], prevClose: number | null = null, limits: BarLimits = DEFAULT_BAR_LIMITS): { valid: Candle[]; rejected: Rejected[] } {
  const { keep, rejected } = validateBars(rawToColumns(rows), prevClose, limits);
  return { valid: Array.from(keep, (i) => rows[i] as Candle), rejected: rejected.map((r) => ({ raw: rows[r.row]!, reason: r.reason })) };
}

/** Each calendar's day positions, built once per calendar array (the pipeline checks every symbol against one). */
const calendarIndex = new WeakMap<readonly TradingDay[], Map<TradingDay, number>>();

/** Days of the calendar missing between consecutive stored days: one flag per gap, on the day after it. */
export function findGaps(days: readonly TradingDay[], calendar: readonly TradingDay[]): Array<{ day: TradingDay; missing: number; after: TradingDay }> {
  let index = calendarIndex.get(calendar);
  if (!index) calendarIndex.set(calendar, (index = new Map(calendar.map((d, i) => [d, i]))));
  const gaps: Array<{ day: TradingDay; missing: number; after: TradingDay }> = [];
  for (let i = 1; i < days.length; i++) {
    const a = index.get(days[i - 1]!);
    const b = index.get(days[i]!);
    if (a !== undefined && b !== undefined && b - a > 1) gaps.push({ day: days[i]!, missing: b - a - 1, after: days[i - 1]! });
  }
  return gaps;
}
