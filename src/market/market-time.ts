/** Trading days and session times in the market's own time zone. */
import { DateTime } from 'luxon';
import type { TradingDay } from '../domain/types.js';

/** Per time zone, the local day last asked for and the UTC span it covers [from, to): every price lookup asks
 * for "today", and time-zone arithmetic was the largest cost of a chat command under load. */
const lastDay = new Map<string, { from: number; to: number; day: TradingDay }>();

/** The market's local date of an instant. */
export function tradingDayOf(at: Date, timezone: string): TradingDay {
  const t = at.getTime();
  const seen = lastDay.get(timezone);
  if (seen && t >= seen.from && t < seen.to) return seen.day;
  const dt = DateTime.fromMillis(t, { zone: timezone });
  const day = dt.toISODate();
  if (!day) return '';
  // The span from local midnight to the next (23 or 25 hours on a DST day).
  lastDay.set(timezone, { from: dt.startOf('day').toMillis(), to: dt.endOf('day').toMillis() + 1, day });
  return day;
}

/** Instants already computed, by day, time and zone; bounded (cleared when full). */
const instants = new Map<string, number>();
const INSTANTS_KEPT = 10_000;

/** The UTC instant of `HH:MM` local time on `day` in the market's time zone. */
export function instantAt(day: TradingDay, hhmm: string, timezone: string): Date {
  const key = `${day}|${hhmm}|${timezone}`;
  const known = instants.get(key);
  if (known !== undefined) return new Date(known);
  const [h, m] = hhmm.split(':').map(Number);
  const dt = DateTime.fromISO(day, { zone: timezone }).set({ hour: h ?? 0, minute: m ?? 0, second: 0, millisecond: 0 });
  if (!dt.isValid) throw new Error(`invalid day or time: ${day} ${hhmm} ${timezone}`);
  if (instants.size >= INSTANTS_KEPT) instants.clear();
  instants.set(key, dt.toMillis());
  return dt.toJSDate();
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days from 1970-01-01 to `day` ('YYYY-MM-DD', year 1 to 9999), or null when it is not a calendar day.
 * Arithmetic on the digits (proleptic Gregorian, counted in 400-year eras of 146,097 days): it runs once per
 * stored row, where a Date and three substrings a row showed in the profile. */
export function epochDayOf(day: string): number | null {
  if (day.length !== 10 || day.charCodeAt(4) !== 45 || day.charCodeAt(7) !== 45) return null;
  let y = 0;
  for (let i = 0; i < 4; i++) {
    const c = day.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    y = y * 10 + c;
  }
  const m1 = day.charCodeAt(5) - 48;
  const m2 = day.charCodeAt(6) - 48;
  const d1 = day.charCodeAt(8) - 48;
  const d2 = day.charCodeAt(9) - 48;
  if (m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return null;
  const m = m1 * 10 + m2;
  const d = d1 * 10 + d2;
  if (y < 1 || m < 1 || m > 12 || d < 1) return null;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]!)) return null;
  // Count from March, so the leap day is the last day of the counting year.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yearOfEra = yy - era * 400;
  const dayOfYear = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** `day` shifted by n calendar days. */
export function addDays(day: TradingDay, n: number): TradingDay {
  // Calendar days in UTC have no DST: plain millisecond arithmetic (luxon here cost 2-3 % of a replay).
  const t = Date.parse(`${day}T00:00:00Z`);
  // Date.parse rolls 2017-02-30 over to March; a day that is not a real date is returned unchanged.
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== day) return day;
  return new Date(t + n * 86_400_000).toISOString().slice(0, 10);
}
