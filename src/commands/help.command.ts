import { ROLE_RANK, type CommandDefinition } from './command.types.js';

/** /help lists the commands the caller's role may use. */
export function helpCommand(all: () => CommandDefinition[]): CommandDefinition {
  return {
    name: 'help', description: 'The commands you may use', usage: '/help', minRole: 'viewer', dangerous: false,
    async run({ role }) {
      const rank = role ? ROLE_RANK[role] : 0;
      const commands = all()
        .filter((c) => c.public || ROLE_RANK[c.minRole] <= rank)
        .map((c) => ({ name: c.name, description: c.description, usage: c.usage, minRole: c.minRole }));
      return { kind: 'help', role: role ?? 'viewer', commands };
    },
  };
}
