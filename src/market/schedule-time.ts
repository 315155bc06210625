/** Times of day of the daily schedule's cron entries. */
import { ConfigError } from '../domain/errors.js';

/** The local HH:MM of a daily cron entry "M H * * days". */
export function cronTimeOfDay(cron: string): string {
  const [min, hour] = cron.trim().split(/\s+/);
  if (!min || !hour || !/^\d{1,2}$/.test(min) || !/^\d{1,2}$/.test(hour)) {
    throw new ConfigError(`schedule: "${cron}" is not a daily "M H * * days" entry; replay needs a fixed time of day`);
  }
  return `${hour.padStart(2, '0')}:${min.padStart(2, '0')}`;
}

/** Whether a cron entry's day-of-week field ("*", "1-5", "6", "0,6", "1-3,5"; 0 and 7 are Sunday) includes
 * `weekday` (0 = Sunday … 6 = Saturday). Replay runs a job only on the trading days its schedule names. */
export function cronRunsOnWeekday(cron: string, weekday: number): boolean {
  const field = cron.trim().split(/\s+/)[4] ?? '*';
  if (field === '*') return true;
  for (const part of field.split(',')) {
    const m = /^(\d)(?:-(\d))?$/.exec(part);
    if (!m) throw new ConfigError(`schedule: "${cron}": day-of-week "${part}" is not a day (0-7) or a range of days`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    for (let d = a; d <= b; d++) if (d % 7 === weekday) return true;
  }
  return false;
}
