/** Deny by default: only user ids (or Discord role ids) listed in config have a role; everyone else is refused. */
import type { Actor, Role } from './command.types.js';

/** Role lists of one transport: user ids, and for Discord also role ids (a member with the role has it). */
export interface RoleLists {
  admins: readonly string[];
  operators: readonly string[];
  viewers: readonly string[];
  roleIds?: { admins: readonly string[]; operators: readonly string[]; viewers: readonly string[] };
}

export class Authorizer {
  constructor(private readonly byTransport: Record<string, RoleLists | 'local-admin'>) {}

  /** The actor's role, or null when the actor is not listed. */
  roleOf(actor: Actor): Role | null {
    const lists = this.byTransport[actor.transport];
    if (!lists) return null;
    // The console runs on the operator's own terminal: whoever has the shell is the admin.
    if (lists === 'local-admin') return 'admin';
    // The highest role the user has, by id or by any of the platform roles the sender holds.
    const has = (ids: readonly string[], roleIds: readonly string[] | undefined) =>
      ids.includes(actor.userId) || (roleIds ?? []).some((r) => actor.roles?.includes(r));
    if (has(lists.admins, lists.roleIds?.admins)) return 'admin';
    if (has(lists.operators, lists.roleIds?.operators)) return 'operator';
    if (has(lists.viewers, lists.roleIds?.viewers)) return 'viewer';
    return null;
  }
}
