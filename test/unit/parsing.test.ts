import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../bots/shared/parse-command.js';
import { cronTimeOfDay } from '../../jobs/replay.js';
import { numberOrNull, parseCsv } from '../../src/adapters/market-data/csv-parse.js';
import { addDays, instantAt, tradingDayOf } from '../../src/market/market-time.js';

describe('parsing', () => {
  it('parses chat commands with bot mentions and arguments', () => {
    expect(parseCommand('/Status@tiller_bot')).toEqual({ name: 'status', args: [] });
    expect(parseCommand('  /pause lunch break ')).toEqual({ name: 'pause', args: ['lunch', 'break'] });
    expect(parseCommand('hello')).toBeNull();
    expect(parseCommand('/')).toBeNull();
  });

  it('reads quoted CSV and empty cells', () => {
    expect(parseCsv('a,b\n"x, y",2\r\n"he said ""hi""",\n')).toEqual([['a', 'b'], ['x, y', '2'], ['he said "hi"', '']]);
    expect(numberOrNull('')).toBeNull();
    expect(numberOrNull('abc')).toBeNull();
    expect(numberOrNull('1.5')).toBe(1.5);
  });

  it('turns daily cron entries into a time of day and refuses the rest', () => {
    expect(cronTimeOfDay('30 9 * * 1-5')).toBe('09:30');
    expect(() => cronTimeOfDay('*/5 * * * *')).toThrow(/replay needs a fixed time of day/);
  });

  it('converts between market time and UTC across daylight saving', () => {
    expect(instantAt('2017-01-03', '09:30', 'America/New_York').toISOString()).toBe('2017-01-03T14:30:00.000Z');
    expect(instantAt('2017-07-03', '09:30', 'America/New_York').toISOString()).toBe('2017-07-03T13:30:00.000Z');
    expect(tradingDayOf(new Date('2017-01-04T03:00:00Z'), 'America/New_York')).toBe('2017-01-03');
    expect(tradingDayOf(new Date('2017-01-03T20:00:00Z'), 'Asia/Kolkata')).toBe('2017-01-04');
    expect(addDays('2016-02-28', 2)).toBe('2016-03-01');
  });
});
