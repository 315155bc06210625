/** /leaderboard: every (strategy, profile)'s shadow paper portfolio, best return first: return, Sharpe, max
 * drawdown, hit rate, days live; the traded one marked. */
import { UserError } from '../domain/errors.js';
import type { CommandServices } from './command-services.js';
import type { CommandDefinition } from './command.types.js';

export function leaderboardCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'leaderboard', description: 'Every strategy and profile as a shadow paper portfolio, best first', usage: '/leaderboard', minRole: 'viewer', dangerous: false,
    async run({ args }) {
      if (args.length > 0) throw new UserError('Usage: /leaderboard');
      return { kind: 'leaderboard', rows: await s.repos.shadows.list() };
    },
  };
}
