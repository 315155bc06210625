/** Market calendars: which days a market trades. Equities trade Monday to Friday except the holidays in
 * config; crypto trades every day. The schedule skips days the market does not trade. */
import { DateTime } from 'luxon';
import type { TradingDay } from '../domain/types.js';
import { addDays } from './market-time.js';

export interface CalendarConfig {
  kind: 'equities' | 'crypto';
  holidays: readonly string[];
}

/** Sessions a year, to annualise daily figures: 365 for crypto, 252 for equities. */
export function tradingDaysPerYear(kind: CalendarConfig['kind']): number {
  return kind === 'crypto' ? 365 : 252;
}

/** A warning when an equities calendar lists no holiday in `day`'s year (or, in December, in the next one, which
 * exchanges publish then): the schedule would treat that year's holidays as trading days. Null when covered. */
export function holidayListGap(cfg: CalendarConfig, day: TradingDay): string | null {
  if (cfg.kind !== 'equities') return null;
  const year = Number(day.slice(0, 4));
  const years = day.slice(5, 7) === '12' ? [year, year + 1] : [year];
  const missing = years.filter((y) => !cfg.holidays.some((h) => h.startsWith(`${y}-`)));
  return missing.length === 0 ? null
    : `market.holidays lists no day in ${missing.join(' or ')}: every weekday of ${missing.length > 1 ? 'those years' : 'that year'} counts as a trading day until the exchange's holidays are added to the market's config`;
}

export class MarketCalendar {
  private readonly holidays: Set<string>;

  constructor(private readonly cfg: CalendarConfig) {
    this.holidays = new Set(cfg.holidays);
  }

  isTradingDay(day: TradingDay): boolean {
    if (this.cfg.kind === 'crypto') return true;
    const weekday = DateTime.fromISO(day, { zone: 'utc' }).weekday; // 1 = Monday … 7 = Sunday
    return weekday <= 5 && !this.holidays.has(day);
  }

  /** Trading days in [from, to], oldest first. */
  tradingDays(from: TradingDay, to: TradingDay): TradingDay[] {
    const out: TradingDay[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) if (this.isTradingDay(d)) out.push(d);
    return out;
  }

  /** The first trading day strictly after `day`. */
  nextTradingDay(day: TradingDay): TradingDay {
    let d = addDays(day, 1);
    while (!this.isTradingDay(d)) d = addDays(d, 1);
    return d;
  }

  /** The last trading day strictly before `day`. */
  previousTradingDay(day: TradingDay): TradingDay {
    let d = addDays(day, -1);
    while (!this.isTradingDay(d)) d = addDays(d, -1);
    return d;
  }
}
