/** /pause, /resume and /emergency_stop: the commands that change the trading state. */
import type { TradingStatus } from '../domain/types.js';
import type { CommandServices } from './command-services.js';
import type { Actor, CommandDefinition } from './command.types.js';

function who(a: Actor): string {
  return `${a.transport}:${a.userId}${a.displayName ? ` (${a.displayName})` : ''}`;
}

/** A command that moves trading to `to`, recording who and why (the reason is the arguments, if any). */
function stateCommand(s: CommandServices, name: string, to: TradingStatus, description: string, defaultReason: string): CommandDefinition {
  return {
    name, description, usage: `/${name} [reason]`, minRole: 'operator', dangerous: false,
    async run({ actor, args }) {
      const reason = args.join(' ') || defaultReason;
      const prev = await s.state.set(to, who(actor), reason);
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
    usage: '/emergency_stop [reason]', minRole: 'admin', dangerous: true,
    async run({ actor, args }) {
      const result = await s.halt.halt(who(actor), args.join(' ') || 'emergency stop');
      return { kind: 'halted', result, currency: s.config.market.currency };
    },
  };
}
