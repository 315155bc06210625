/** /picks [profile] [strategy] [sector] [limit]: the latest picks, of the traded strategy unless one is
 * named, for both profiles or one, optionally one sector and the first N. Each word is recognised by what it
 * is (a profile, a strategy, a number, else a sector), so any may be left out; a word that is none of them is
 * refused with the choices. */
import { STRATEGY_NAMES } from '../config.js';
import { UserError } from '../domain/errors.js';
import type { Pick, RiskProfile } from '../domain/types.js';
import { PROFILES } from '../picks/picks.service.js';
import type { CommandServices } from './command-services.js';
import type { CommandDefinition } from './command.types.js';

/** The strategies /picks can show (`gated` is a choice of what trades, not a strategy of its own). */
export const PICK_STRATEGIES = STRATEGY_NAMES.filter((s) => s !== 'gated');
export const MAX_PICKS_LIMIT = 50;

/** The filters of /picks from its words; `sectors` are the stored instruments' sectors. */
export function parsePicksArgs(args: string[], sectors: readonly string[]): { profile?: RiskProfile; strategy?: string; sector?: string; limit?: number } {
  const out: { profile?: RiskProfile; strategy?: string; sector?: string; limit?: number } = {};
  const rest: string[] = [];
  for (const raw of args) {
    const w = raw.toLowerCase();
    if ((PROFILES as readonly string[]).includes(w) && !out.profile) out.profile = w as RiskProfile;
    else if ((PICK_STRATEGIES as readonly string[]).includes(w) && !out.strategy) out.strategy = w;
    else if (/^\d+$/.test(w) && out.limit === undefined) {
      const n = Number(w);
      if (n < 1 || n > MAX_PICKS_LIMIT) throw new UserError(`limit ${raw}: choose 1 to ${MAX_PICKS_LIMIT}`);
      out.limit = n;
    } else rest.push(raw);
  }
  if (rest.length > 0) {
    const wanted = rest.join(' ').toLowerCase();
    const matches = sectors.filter((s) => s.toLowerCase() === wanted);
    const partial = matches.length > 0 ? matches : sectors.filter((s) => s.toLowerCase().includes(wanted));
    if (partial.length !== 1) {
      const what = partial.length > 1 ? `"${rest.join(' ')}" names several sectors (${partial.join(', ')}); say which` : `"${rest.join(' ')}" is not a profile (${PROFILES.join(', ')}), a strategy (${PICK_STRATEGIES.join(', ')}), a sector (${sectors.join(', ') || 'none stored'}) or a limit (1 to ${MAX_PICKS_LIMIT})`;
      throw new UserError(`${what}. Usage: /picks [profile] [strategy] [sector] [limit]`);
    }
    out.sector = partial[0];
  }
  return out;
}

export function picksCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'picks', description: 'The latest picks: the traded strategy\'s, or another\'s; one profile, sector or the first N', usage: '/picks [profile] [strategy] [sector] [limit]', minRole: 'viewer', dangerous: false,
    options: [
      { name: 'profile', description: 'One risk profile only', type: 'string', required: false, choices: PROFILES },
      { name: 'strategy', description: 'Another strategy\'s picks (default: the traded one)', type: 'string', required: false, choices: PICK_STRATEGIES },
      { name: 'sector', description: 'One sector only', type: 'string', required: false },
      { name: 'limit', description: `The first N of each profile (1 to ${MAX_PICKS_LIMIT})`, type: 'integer', required: false },
    ],
    async run({ args }) {
      const instruments = await s.repos.instruments.list();
      const sectorOf = new Map(instruments.map((i) => [i.symbol, i.sector]));
      const sectors = [...new Set(instruments.map((i) => i.sector).filter((x): x is string => !!x))].sort();
      const f = parsePicksArgs(args, sectors);
      const day = await s.repos.picks.latestDay();
      const all = day ? await s.repos.picks.query(day, { profile: f.profile, strategy: f.strategy }) : [];
      const strategies = day ? await s.repos.picks.strategiesOn(day) : [];
      const byProfile = { conservative: [] as Pick[], aggressive: [] as Pick[] };
      for (const p of all) {
        if (f.sector && sectorOf.get(p.symbol) !== f.sector) continue;
        if (f.limit !== undefined && byProfile[p.profile].length >= f.limit) continue;
        byProfile[p.profile].push(p);
      }
      const strategy = f.strategy ?? strategies[0] ?? null;
      return {
        kind: 'picks', day, byProfile, currency: s.config.market.currency, strategy, traded: all[0]?.traded ?? f.strategy === undefined,
        sector: f.sector ?? null, strategies,
      };
    },
  };
}
