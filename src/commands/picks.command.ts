/** /picks [profile] [strategy] [sector] [limit] [day]: the latest picks (or a day's), of the traded strategy
 * unless one is named, for both profiles or one, optionally one sector and the first N. Each word is
 * recognised by what it is (a profile, a strategy, a number, a YYYY-MM-DD day, else a sector), so any may be
 * left out; a word that is none of them is refused with the choices. */
import { STRATEGY_NAMES } from '../config.js';
import { NotFoundError, UserError } from '../domain/errors.js';
import type { Pick, RiskProfile, TradingDay } from '../domain/types.js';
import { isCalendarDay } from '../market/validation.js';
import { PROFILES } from '../picks/picks.service.js';
import type { CommandServices } from './command-services.js';
import type { CommandDefinition } from './command.types.js';

/** The strategies /picks can show (`gated` is a choice of what trades, not a strategy of its own). */
export const PICK_STRATEGIES = STRATEGY_NAMES.filter((s) => s !== 'gated');
export const MAX_PICKS_LIMIT = 50;
const USAGE = '/picks [profile] [strategy] [sector] [limit] [day]';

/** What /picks was asked for; absent = all (the latest day, the traded strategy). */
export interface PicksFilter {
  profile?: RiskProfile;
  strategy?: string;
  sector?: string;
  limit?: number;
  day?: TradingDay;
}


/** The filters of /picks from its words; `sectors` are the stored instruments' sectors. */
export function parsePicksArgs(args: string[], sectors: readonly string[]): PicksFilter {
  const out: PicksFilter = {};
  const rest: string[] = [];
  for (const raw of args) {
    const w = raw.toLowerCase();
    if ((PROFILES as readonly string[]).includes(w) && !out.profile) out.profile = w as RiskProfile;
    else if ((PICK_STRATEGIES as readonly string[]).includes(w) && !out.strategy) out.strategy = w;
    else if (/^\d+$/.test(w) && out.limit === undefined) {
      const n = Number(w);
      if (n < 1 || n > MAX_PICKS_LIMIT) throw new UserError(`limit ${raw}: choose 1 to ${MAX_PICKS_LIMIT}`);
      out.limit = n;
    } else if (/^\d{4}-\d{2}-\d{2}$/.test(w) && out.day === undefined) {
      if (!isCalendarDay(w)) throw new UserError(`${raw} is not a calendar day`);
      out.day = w;
    } else rest.push(raw);
  }
  if (rest.length > 0) {
    const wanted = rest.join(' ').toLowerCase();
    const matches = sectors.filter((s) => s.toLowerCase() === wanted);
    const partial = matches.length > 0 ? matches : sectors.filter((s) => s.toLowerCase().includes(wanted));
    if (partial.length !== 1) {
      const what = partial.length > 1 ? `"${rest.join(' ')}" names several sectors (${partial.join(', ')}); say which` : `"${rest.join(' ')}" is not a profile (${PROFILES.join(', ')}), a strategy (${PICK_STRATEGIES.join(', ')}), a sector (${sectors.join(', ') || 'none stored'}), a limit (1 to ${MAX_PICKS_LIMIT}) or a day (YYYY-MM-DD)`;
      throw new UserError(`${what}. Usage: ${USAGE}`);
    }
    out.sector = partial[0];
  }
  return out;
}

export function picksCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'picks', description: 'The latest picks (or a day\'s): the traded strategy\'s, or another\'s; one profile, sector or the first N', usage: USAGE, minRole: 'viewer', dangerous: false, shared: true,
    options: [
      { name: 'profile', description: 'One risk profile only', type: 'string', required: false, choices: PROFILES },
      { name: 'strategy', description: 'Another strategy\'s picks (default: the traded one)', type: 'string', required: false, choices: PICK_STRATEGIES },
      { name: 'sector', description: 'One sector only', type: 'string', required: false },
      { name: 'limit', description: `The first N of each profile (1 to ${MAX_PICKS_LIMIT})`, type: 'integer', required: false },
      { name: 'day', description: 'A past day\'s picks (YYYY-MM-DD; default the latest)', type: 'string', required: false },
    ],
    async run({ args }) {
      // Without sectors the words parse unless one is no profile, strategy, limit or day: only then is the
      // sector list read (most calls have no such word), and the words parsed again with it.
      let f: PicksFilter;
      try {
        f = parsePicksArgs(args, []);
      } catch {
        f = parsePicksArgs(args, await s.repos.instruments.sectorNames());
      }
      const latest = await s.repos.picks.latestDay();
      const day = f.day ?? latest;
      if (f.day && (await s.repos.picks.strategiesOn(f.day)).length === 0) {
        throw new NotFoundError(`No picks for ${f.day}${latest ? ` (the latest are of ${latest})` : ' (none yet)'}.`);
      }
      const all = day ? await s.repos.picks.query(day, { profile: f.profile, strategy: f.strategy }) : [];
      const strategies = day ? await s.repos.picks.strategiesOn(day) : [];
      const sectorOf = await s.repos.instruments.sectorsOf([...new Set(all.map((p) => p.symbol))]);
      const byProfile = { conservative: [] as Array<Pick & { sector: string | null }>, aggressive: [] as Array<Pick & { sector: string | null }> };
      for (const p of all) {
        if (f.sector && sectorOf.get(p.symbol) !== f.sector) continue;
        if (f.limit !== undefined && byProfile[p.profile].length >= f.limit) continue;
        byProfile[p.profile].push({ ...p, sector: sectorOf.get(p.symbol) ?? null });
      }
      const strategy = f.strategy ?? strategies[0] ?? null;
      return {
        kind: 'picks', day, byProfile, currency: s.config.market.currency, strategy, traded: all[0]?.traded ?? f.strategy === undefined,
        sector: f.sector ?? null, strategies,
      };
    },
  };
}
