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
