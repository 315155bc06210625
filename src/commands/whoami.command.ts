import type { CommandDefinition } from './command.types.js';

/** /whoami: who the bot sees (transport, user id, chat id) and the role that id has. Open to everyone, so a
 * new user can find the id an admin must add to config. */
export function whoamiCommand(): CommandDefinition {
  return {
    name: 'whoami', description: 'Your user id, this chat\'s id and your role', usage: '/whoami', minRole: 'viewer', dangerous: false, public: true,
    async run({ actor, role }) {
      return { kind: 'whoami', transport: actor.transport, userId: actor.userId, chatId: actor.chatId, displayName: actor.displayName ?? null, role };
    },
  };
}
