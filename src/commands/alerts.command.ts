import { ALERT_TYPES } from '../domain/types.js';
import { UserError } from '../domain/errors.js';
import type { AlertMode } from '../ports/repositories.port.js';
import type { CommandServices } from './command-services.js';
import { ROLE_RANK, type CommandDefinition } from './command.types.js';

const MODES: readonly AlertMode[] = ['on', 'silent', 'off'];

/** `/alerts` shows this chat's subscription per alert type; `/alerts TYPE|all on|silent|off` changes it
 * (operator). Applies to the chat it is sent from, which must be one of the configured alert chats. */
export function alertsCommand(s: CommandServices): CommandDefinition {
  const parse = (args: string[]): { types: string[]; mode: AlertMode } | null => {
    if (args.length === 0) return null;
    if (args.length !== 2) throw new UserError('Usage: /alerts [TYPE|all on|silent|off]');
    const [type, mode] = [args[0]!.toLowerCase(), args[1]!.toLowerCase()];
    if (!MODES.includes(mode as AlertMode)) throw new UserError(`"${args[1]}" is not a mode: use on, silent or off`);
    if (type !== 'all' && !(ALERT_TYPES as readonly string[]).includes(type)) {
      throw new UserError(`"${args[0]}" is not an alert type: use all or one of ${ALERT_TYPES.join(', ')}`);
    }
    return { types: type === 'all' ? [...ALERT_TYPES] : [type], mode: mode as AlertMode };
  };
  return {
    name: 'alerts', description: 'This chat\'s alert subscriptions (on, silent or off per type)', usage: '/alerts [TYPE|all on|silent|off]',
    minRole: 'viewer', dangerous: false,
    options: [
      { name: 'type', description: 'The alert type, or all', type: 'string', required: false, choices: ['all', ...ALERT_TYPES] },
      { name: 'mode', description: 'on, silent (no sound) or off', type: 'string', required: false, choices: MODES },
    ],
    async run({ actor, role, args }) {
      const change = parse(args);
      const receivesAlerts = s.alertChats().some((c) => c.transport === actor.transport && c.chatId === actor.chatId);
      if (change) {
        if (!role || ROLE_RANK[role] < ROLE_RANK.operator) throw new UserError('Changing alert subscriptions needs the operator role; /alerts alone shows them.');
        if (!receivesAlerts) throw new UserError(`This chat (${actor.chatId}) is not an alert chat; add it to the alert chats in config first.`);
        await s.repos.subscriptions.set(actor.transport, actor.chatId, change.types, change.mode, `${actor.transport}:${actor.userId}`, s.clock.now());
      }
      const set = await s.repos.subscriptions.forChat(actor.transport, actor.chatId);
      return {
        kind: 'alerts', transport: actor.transport, chatId: actor.chatId, receivesAlerts,
        modes: ALERT_TYPES.map((type) => ({ type, mode: set.get(type) ?? 'on' })), changed: change,
      };
    },
  };
}
