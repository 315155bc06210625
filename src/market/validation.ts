/** Validation of raw provider rows: a row either becomes a Candle or is quarantined with a reason. */
import type { Candle, RawCandle, TradingDay } from '../domain/types.js';

export interface Rejected {
  raw: RawCandle;
  reason: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function isNum(v: number | null): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A real calendar day written YYYY-MM-DD, years 0001 to 9999. JavaScript's date parsing rolls 2017-11-31
 * over to December 1, PostgreSQL refuses it. Checked by arithmetic on the digits: it runs once per stored
 * bar, and building two Date objects a row was 0.5 s of a 505-symbol pipeline run. */
export function isCalendarDay(day: string): boolean {
  if (!DAY.test(day)) return false;
  const digit = (i: number) => day.charCodeAt(i) - 48;
  const y = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  const m = digit(5) * 10 + digit(6);
  const d = digit(8) * 10 + digit(9);
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]!);
}

/** Why this row cannot be stored, or null when it is valid. */
export function rejectReason(r: RawCandle): string | null {
  if (!isCalendarDay(r.day)) return `invalid date "${r.day}" (not a calendar day)`;
  if (!(isNum(r.open) && isNum(r.high) && isNum(r.low) && isNum(r.close) && isNum(r.volume))) {
    const missing = (['open', 'high', 'low', 'close', 'volume'] as const).filter((k) => !isNum(r[k]));
    return `empty or non-numeric field: ${missing.join(', ')}`;
  }
  const { open, high, low, close, volume } = r as Candle;
  if (open <= 0 || high <= 0 || low <= 0 || close <= 0) return 'non-positive price';
  if (volume < 0) return 'negative volume';
  if (high < low) return 'high below low';
  if (close > high || close < low) return 'close outside [low, high]';
  if (open > high || open < low) return 'open outside [low, high]';
  return null;
}

/** Thresholds for price moves between consecutive accepted closes. */
export interface MoveLimits {
  /** A move larger than this that the next day undoes (back within half of it) is a spike: rejected. */
  spikeMove: number;
  /** A move larger than this is rejected as an extreme jump (data is split-adjusted, so no split explains it). */
  maxMove: number;
}

export const DEFAULT_MOVE_LIMITS: MoveLimits = { spikeMove: 0.4, maxMove: 0.75 };

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

/**
 * Split rows into valid candles (oldest first, one per day) and rejected rows with reasons. `prevClose` is
 * the last stored close before these rows, if any, so moves are checked across runs too.
 */
export function validateCandles(rows: RawCandle[], prevClose: number | null = null, limits: MoveLimits = DEFAULT_MOVE_LIMITS): { valid: Candle[]; rejected: Rejected[] } {
  const valid: Candle[] = [];
  const rejected: Rejected[] = [];
  let lastDay = '';
  let lastClose = prevClose;
  const plain = rows.map((r) => rejectReason(r));
  for (let i = 0; i < rows.length; i++) {
    const raw = rows[i]!;
    const reason = plain[i];
    if (reason) {
      rejected.push({ raw, reason });
      continue;
    }
    if (raw.day === lastDay) {
      rejected.push({ raw, reason: 'duplicate date' });
      continue;
    }
    if (raw.day < lastDay) {
      rejected.push({ raw, reason: 'out-of-order date' });
      continue;
    }
    const close = raw.close as number;
    if (lastClose !== null) {
      const move = close / lastClose - 1;
      if (Math.abs(move) > limits.spikeMove) {
        const nextIdx = rows.findIndex((r, j) => j > i && plain[j] === null && r.day > raw.day);
        const next = nextIdx >= 0 ? (rows[nextIdx]!.close as number) : null;
        if (next !== null && Math.abs(next / lastClose - 1) < limits.spikeMove / 2) {
          rejected.push({ raw, reason: `price spike: close ${pct(move)}, undone the next day` });
          continue;
        }
      }
      if (Math.abs(move) > limits.maxMove) {
        rejected.push({ raw, reason: `extreme jump: close ${pct(move)} in a day without a split` });
        continue;
      }
    }
    lastDay = raw.day;
    lastClose = close;
    valid.push(raw as Candle);
  }
  return { valid, rejected };
}

/** Days of the calendar missing between consecutive stored days: one flag per gap, on the day after it. */
export function findGaps(days: TradingDay[], calendar: TradingDay[]): Array<{ day: TradingDay; missing: number; after: TradingDay }> {
  const index = new Map(calendar.map((d, i) => [d, i]));
  const gaps: Array<{ day: TradingDay; missing: number; after: TradingDay }> = [];
  for (let i = 1; i < days.length; i++) {
    const a = index.get(days[i - 1]!);
    const b = index.get(days[i]!);
    if (a !== undefined && b !== undefined && b - a > 1) gaps.push({ day: days[i]!, missing: b - a - 1, after: days[i - 1]! });
  }
  return gaps;
}
