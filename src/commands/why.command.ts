/** /why SYMBOL: why a symbol is or is not among the latest picks: the screening rule that left it out (with
 * the figures), or its rank, score, risk score and recommendation in every strategy and profile that picked
 * it, or that it passed screening and no strategy ranked it in its top N. */
import { NotFoundError, UserError } from '../domain/errors.js';
import type { CommandServices } from './command-services.js';
import type { CommandDefinition } from './command.types.js';

export function whyCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'why', description: 'Why a symbol is, or is not, among the latest picks', usage: '/why SYMBOL', minRole: 'viewer', dangerous: false,
    options: [{ name: 'symbol', description: 'The symbol, e.g. AAPL', type: 'string', required: true }],
    async run({ args }) {
      const symbol = (args[0] ?? '').toUpperCase();
      if (args.length !== 1 || !/^[A-Z0-9.^=/-]{1,20}$/.test(symbol)) throw new UserError('Usage: /why SYMBOL (e.g. /why AAPL)');
      if (!(await s.repos.instruments.list()).some((i) => i.symbol === symbol)) throw new NotFoundError(`${symbol} is not in the stored universe.`);
      const day = await s.repos.picks.latestDay();
      if (!day) throw new NotFoundError('No picks yet: the picks job has not run.');
      const exclusion = await s.repos.screening.of(day, symbol);
      const picks = exclusion ? [] : (await s.repos.picks.ofSymbol(day, symbol)).map((p) => ({
        strategy: p.strategy, profile: p.profile, traded: p.traded, rank: p.rank, score: p.score,
        riskScore: p.details?.riskScore ?? null, recommendation: p.details?.recommendation ?? null,
      }));
      return { kind: 'why', symbol, day, exclusion, picks };
    },
  };
}
