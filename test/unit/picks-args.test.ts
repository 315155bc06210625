/** The words of /picks: each recognised by what it is, sectors by name or a unique part of it, and every
 * other word refused with the choices. */
import { describe, expect, it } from 'vitest';
import { parsePicksArgs } from '../../src/commands/picks.command.js';

const SECTORS = ['Consumer Discretionary', 'Consumer Staples', 'Energy', 'Information Technology'];

describe('/picks arguments', () => {
  it('takes profile, strategy, sector, limit and day in any order, each optional', () => {
    expect(parsePicksArgs([], SECTORS)).toEqual({});
    expect(parsePicksArgs(['aggressive', 'trees-gbt', 'energy', '5'], SECTORS)).toEqual({ profile: 'aggressive', strategy: 'trees-gbt', sector: 'Energy', limit: 5 });
    expect(parsePicksArgs(['3', 'Breakout', 'tech'], SECTORS)).toEqual({ strategy: 'breakout', sector: 'Information Technology', limit: 3 });
    expect(parsePicksArgs(['consumer', 'staples'], SECTORS)).toEqual({ sector: 'Consumer Staples' });
    expect(parsePicksArgs(['2018-02-07', 'baseline'], SECTORS)).toEqual({ day: '2018-02-07', strategy: 'baseline' });
  });

  it('refuses what it does not know, an ambiguous sector and a limit out of range, saying why', () => {
    expect(() => parsePicksArgs(['consumer'], SECTORS)).toThrow('"consumer" names several sectors (Consumer Discretionary, Consumer Staples); say which');
    expect(() => parsePicksArgs(['gated'], SECTORS)).toThrow(/"gated" is not a profile \(conservative, aggressive\), a strategy \(baseline, momentum-trend, .*\), a sector \(Consumer Discretionary, .*\), a limit \(1 to 50\) or a day \(YYYY-MM-DD\)/);
    expect(() => parsePicksArgs(['2017-11-31'], SECTORS)).toThrow('2017-11-31 is not a calendar day');
    expect(() => parsePicksArgs(['0'], SECTORS)).toThrow('limit 0: choose 1 to 50');
    expect(() => parsePicksArgs(['51'], SECTORS)).toThrow('limit 51: choose 1 to 50');
    expect(() => parsePicksArgs(['energy'], [])).toThrow(/a sector \(none stored\)/);
  });
});
