/** /pause, /resume and /emergency_stop: the commands that change the trading state. */
import type { CommandServices } from './command-services.js';
import type { Actor, CommandDefinition } from './command.types.js';

function who(a: Actor): string {
  return `${a.transport}:${a.userId}${a.displayName ? ` (${a.displayName})` : ''}`;
}

export function pauseCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'pause', description: 'Stop new entries; open positions keep their stops and targets', usage: '/pause [reason]', minRole: 'operator', dangerous: false,
    async run({ actor, args }) {
      const reason = args.join(' ') || 'paused by operator';
      const prev = await s.state.set('PAUSED', who(actor), reason);
      return { kind: 'state_changed', from: prev.status, to: 'PAUSED', reason };
    },
  };
}

export function resumeCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'resume', description: 'Resume trading after a pause, a breaker trip or an emergency stop', usage: '/resume [reason]', minRole: 'operator', dangerous: false,
    async run({ actor, args }) {
      const reason = args.join(' ') || 'resumed by operator';
      const prev = await s.state.set('RUNNING', who(actor), reason);
      return { kind: 'state_changed', from: prev.status, to: 'RUNNING', reason };
    },
  };
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
