/** Deny by default: only user ids listed in config have a role; everyone else is refused. */
import type { Actor, Role } from './command.types.js';

/** Role lists of one transport. */
export interface RoleLists {
  admins: readonly string[];
  operators: readonly string[];
  viewers: readonly string[];
}

export class Authorizer {
  constructor(private readonly byTransport: Record<string, RoleLists | 'local-admin'>) {}

  /** The actor's role, or null when the actor is not listed. */
  roleOf(actor: Actor): Role | null {
    const lists = this.byTransport[actor.transport];
    if (!lists) return null;
    // The console runs on the operator's own terminal: whoever has the shell is the admin.
    if (lists === 'local-admin') return 'admin';
    if (lists.admins.includes(actor.userId)) return 'admin';
    if (lists.operators.includes(actor.userId)) return 'operator';
    if (lists.viewers.includes(actor.userId)) return 'viewer';
    return null;
  }
}
