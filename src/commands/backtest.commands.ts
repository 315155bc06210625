/** /backtest and /backtests: a backtest over stored data from chat, with its summary and chart; the list of
 * recent runs (from chat and from `tiller backtest`). */
import { BACKTEST_ID } from '../backtest/backtest-job.js';
import { NotFoundError, UserError } from '../domain/errors.js';
import { addDays } from '../market/market-time.js';
import { isCalendarDay } from '../market/validation.js';
import { PROFILES } from '../picks/picks.service.js';
import type { CommandServices } from './command-services.js';
import type { CommandDefinition } from './command.types.js';

const dayShaped = (x: string) => /^\d{4}-\d{2}-\d{2}$/.test(x);

/** The options from the words after /backtest: [strategy] [profile] [from] [to], each optional in that order. */
export function parseBacktestArgs(
  args: string[], strategies: readonly string[], defaultProfile: string, defaultStrategy: string = strategies[0]!,
): { strategy: string; profile: string; from?: string; to?: string } {
  const rest = [...args];
  const strategy = rest[0] && strategies.includes(rest[0]) ? rest.shift()! : defaultStrategy;
  if (rest[0] && !(PROFILES as readonly string[]).includes(rest[0]) && !dayShaped(rest[0])) {
    throw new UserError(`"${rest[0]}" is neither a strategy (${strategies.join(', ')}), a profile (${PROFILES.join(', ')}) nor a date like 2017-01-03`);
  }
  const profile = rest[0] && (PROFILES as readonly string[]).includes(rest[0]) ? rest.shift()! : defaultProfile;
  const [from, to, extra] = rest;
  for (const d of [from, to]) if (d !== undefined && !isCalendarDay(d)) throw new UserError(`"${d}" is not a date like 2017-01-03`);
  if (extra !== undefined) throw new UserError('Usage: /backtest [strategy] [profile] [from] [to]');
  if (from && to && from > to) throw new UserError(`from ${from} is after to ${to}`);
  return { strategy, profile, from, to };
}

export function backtestCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'backtest', description: 'Backtest the live rules over stored data: summary and chart',
    usage: '/backtest [strategy] [profile] [from] [to]', minRole: 'operator', dangerous: false,
    options: [
      { name: 'strategy', description: 'What picks are traded (default: trading.strategy)', type: 'string', required: false, choices: s.backtests.strategies },
      { name: 'profile', description: 'The risk profile traded', type: 'string', required: false, choices: PROFILES },
      { name: 'from', description: 'First day, YYYY-MM-DD (default: a year before the last)', type: 'string', required: false },
      { name: 'to', description: 'Last day, YYYY-MM-DD (default: the last stored day)', type: 'string', required: false },
    ],
    validate(args) {
      parseBacktestArgs(args, s.backtests.strategies, s.config.trading.profile, s.config.trading.strategy);
    },
    async run({ actor, args }) {
      const o = parseBacktestArgs(args, s.backtests.strategies, s.config.trading.profile, s.config.trading.strategy);
      const range = await s.backtests.dataRange();
      if (!range) throw new UserError('No stored market data yet: run the pipeline first (/run pipeline).');
      const to = o.to ?? range.last;
      // By default the last year, after a year of warm-up for the 252-day features where the data allows.
      const from = o.from ?? [addDays(to, -365), addDays(range.first, 365)].sort().at(-1)!;
      if (from > range.last || to < range.first) throw new UserError(`the stored data covers ${range.first} to ${range.last}`);
      const done = await s.backtests.run({ from, to, strategy: o.strategy, profile: o.profile }, `chat:${actor.transport}:${actor.userId}`);
      return { kind: 'backtest', backtest: done, currency: s.config.market.currency };
    },
  };
}

export function backtestsCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'backtests', description: 'Recent backtest runs, or one by its id', usage: '/backtests [ID]', minRole: 'viewer', dangerous: false,
    options: [{ name: 'id', description: 'One run (the id /backtest and /backtests show)', type: 'string', required: false }],
    async run({ args }) {
      if (args.length > 1) throw new UserError('Usage: /backtests [ID]');
      if (args.length === 0) return { kind: 'backtests', runs: await s.backtests.recent(10) };
      const id = args[0]!;
      if (!BACKTEST_ID.test(id)) throw new UserError(`"${id.slice(0, 40)}" is not a backtest id (like 20180207T153000-a1b2c3; /backtests lists them)`);
      const run = await s.backtests.get(id);
      if (!run) throw new NotFoundError(`No backtest ${id}; /backtests lists the recent ones.`);
      return { kind: 'backtests', runs: [run] };
    },
  };
}
