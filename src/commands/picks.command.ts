import { UserError } from '../domain/errors.js';
import type { Pick, RiskProfile } from '../domain/types.js';
import { PROFILES } from '../picks/picks.service.js';
import type { CommandServices } from './command-services.js';
import type { CommandDefinition } from './command.types.js';

export function picksCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'picks', description: 'The latest daily picks for both risk profiles (or one)', usage: '/picks [conservative|aggressive]', minRole: 'viewer', dangerous: false,
    options: [{ name: 'profile', description: 'One risk profile only', type: 'string', required: false, choices: ['conservative', 'aggressive'] }],
    async run({ args }) {
      const wanted = args[0]?.toLowerCase();
      if (wanted && !PROFILES.includes(wanted as RiskProfile)) {
        throw new UserError(`Unknown risk profile "${args[0]}". Use one of: ${PROFILES.join(', ')}.`);
      }
      const day = await s.repos.picks.latestDay();
      const all = day ? await s.repos.picks.forDay(day) : [];
      const byProfile = { conservative: [] as Pick[], aggressive: [] as Pick[] };
      for (const p of all) if (!wanted || p.profile === wanted) byProfile[p.profile].push(p);
      return { kind: 'picks', day, byProfile, currency: s.config.market.currency };
    },
  };
}
