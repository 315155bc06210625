import { ROLE_RANK, type CommandDefinition } from './command.types.js';

/** /help lists the commands the caller's role may use. */
export function helpCommand(all: () => CommandDefinition[]): CommandDefinition {
  return {
    name: 'help', description: 'The commands you may use', usage: '/help', minRole: 'viewer', dangerous: false,
    async run({ role }) {
      const commands = all()
        .filter((c) => ROLE_RANK[c.minRole] <= ROLE_RANK[role])
        .map((c) => ({ name: c.name, description: c.description, usage: c.usage, minRole: c.minRole }));
      return { kind: 'help', role, commands };
    },
  };
}
