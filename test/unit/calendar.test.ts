import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { MarketCalendar } from '../../src/market/calendar.js';
import { cronRunsOnWeekday } from '../../src/market/schedule-time.js';
import { SP500_DIR } from '../helpers/tiller-process.js';

describe('market calendar', () => {
  it('NYSE calendar in config equals the days the recorded data traded, 2013-02-08 to 2018-02-07', () => {
    const cal = new MarketCalendar(loadConfig({ env: {}, dotenvDir: null }).market);
    const traded = readFileSync(path.join(SP500_DIR, 'daily', 'AAPL.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
    expect(cal.tradingDays('2013-02-08', '2018-02-07')).toEqual(traded);
  });

  it('knows holidays, weekends and the previous and next trading day; crypto trades every day', () => {
    const nyse = new MarketCalendar(loadConfig({ env: {}, dotenvDir: null }).market);
    expect(nyse.isTradingDay('2026-11-26')).toBe(false); // Thanksgiving
    expect(nyse.isTradingDay('2026-11-21')).toBe(false); // Saturday
    expect(nyse.previousTradingDay('2026-11-30')).toBe('2026-11-27');
    expect(nyse.previousTradingDay('2017-01-03')).toBe('2016-12-30');
    expect(nyse.nextTradingDay('2026-11-25')).toBe('2026-11-27'); // over Thanksgiving
    expect(nyse.nextTradingDay('2016-12-30')).toBe('2017-01-03'); // over the weekend and New Year's Day (observed Monday)
    const crypto = new MarketCalendar(loadConfig({ env: { TILLER_MARKET: 'crypto' }, dotenvDir: null }).market);
    expect(crypto.nextTradingDay('2026-11-21')).toBe('2026-11-22');
    expect(crypto.tradingDays('2026-11-20', '2026-11-23')).toEqual(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23']);
  });
});

describe('schedule days', () => {
  it('reads the day-of-week field of a cron entry: weekdays, one day, lists, Sunday as 0 or 7; anything else is refused', () => {
    const days = (cron: string) => [0, 1, 2, 3, 4, 5, 6].filter((d) => cronRunsOnWeekday(cron, d));
    expect(days('30 9 * * 1-5')).toEqual([1, 2, 3, 4, 5]);
    expect(days('0 6 * * 6')).toEqual([6]);
    expect(days('5 0 * * *')).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(days('0 3 * * 7')).toEqual([0]);
    expect(days('0 3 * * 0,3-4')).toEqual([0, 3, 4]);
    expect(() => cronRunsOnWeekday('0 3 * * MON', 1)).toThrow(/day-of-week "MON" is not a day/);
  });
});
