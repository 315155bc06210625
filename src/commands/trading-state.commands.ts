/** /pause, /resume and /emergency_stop: the commands that change the trading state. */
import type { TradingStatus } from '../domain/types.js';
import { tradingDayOf } from '../market/market-time.js';
import type { CommandServices } from './command-services.js';
import type { CommandDefinition, CommandOption } from './command.types.js';
import { actorName as who } from './risk.commands.js';

const REASON: CommandOption = { name: 'reason', description: 'Why (shown in /status and the audit log)', type: 'string', required: false, rest: true };

/** A command that moves trading to `to`, recording who and why (the reason is the arguments, if any). */
function stateCommand(s: CommandServices, name: string, to: TradingStatus, description: string, defaultReason: string): CommandDefinition {
  return {
    name, description, usage: `/${name} [reason]`, minRole: 'operator', dangerous: false, options: [REASON],
    async run({ actor, args }) {
      let reason = args.join(' ') || defaultReason;
      const prev = await s.state.set(to, who(actor), reason);
      if (to === 'RUNNING') {
        // An operator's resume clears every tripped breaker; each measures again from now.
        const now = s.clock.now();
        const cleared = await s.breakers.clearAll(who(actor), tradingDayOf(now, s.config.market.timezone), (await s.portfolio.value(now)).equity);
        if (cleared.length) reason += ` (cleared breakers: ${cleared.join(', ')})`;
      }
      return { kind: 'state_changed', from: prev.status, to, reason };
    },
  };
}

export function pauseCommand(s: CommandServices): CommandDefinition {
  return stateCommand(s, 'pause', 'PAUSED', 'Stop new entries; open positions keep their stops and targets', 'paused by operator');
}

export function resumeCommand(s: CommandServices): CommandDefinition {
  return stateCommand(s, 'resume', 'RUNNING', 'Resume trading after a pause, a breaker trip or an emergency stop', 'resumed by operator');
}

export function emergencyStopCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'emergency_stop',
    description: 'HALT trading: cancel open orders and close every position at market. Stays halted until /resume.',
    usage: '/emergency_stop [reason]', minRole: 'admin', dangerous: true, options: [REASON],
    async run({ actor, args }) {
      const result = await s.halt.halt(who(actor), args.join(' ') || 'emergency stop');
      return { kind: 'halted', result, currency: s.config.market.currency };
    },
  };
}
