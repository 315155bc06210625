/** The command core: resolves a command, checks the role, asks for confirmation of dangerous commands,
 * runs it, audits every call (allowed or refused) and meters it. Transports only parse and render. */
import { randomBytes } from 'node:crypto';
import { isDatabaseUnavailable, NotFoundError, UserError } from '../domain/errors.js';
import { clip } from '../domain/text.js';
import type { Cache } from '../ports/cache.port.js';
import type { Clock } from '../ports/clock.port.js';
import type { AuditRepository } from '../ports/repositories.port.js';
import { commandDuration, commandsTotal } from '../../monitoring/metrics.js';
import type { Authorizer } from './auth.js';
import { ROLE_RANK, type Actor, type CommandDefinition, type CommandResult, type Role } from './command.types.js';

interface PendingConfirmation {
  command: string;
  args: string[];
  userId: string;
  transport: string;
}

export interface CommandCoreLogger {
  error(obj: object, msg: string): void;
}

export class CommandCore {
  private readonly commands = new Map<string, CommandDefinition>();
  /** Runs of shared commands in progress, by command and arguments (CommandDefinition.shared). */
  private readonly inFlight = new Map<string, Promise<CommandResult>>();

  constructor(
    definitions: CommandDefinition[],
    private readonly auth: Authorizer,
    private readonly audit: AuditRepository,
    private readonly cache: Cache,
    private readonly clock: Clock,
    private readonly confirmTtlSeconds: number,
    private readonly log: CommandCoreLogger,
  ) {
    for (const d of definitions) this.commands.set(d.name, d);
  }

  /** Every command, for menus and help. */
  list(): CommandDefinition[] {
    return [...this.commands.values()];
  }

  roleOf(actor: Actor): Role | null {
    return this.auth.roleOf(actor);
  }

  /** Handle `/name args...` from an actor. Never throws: errors become results. Arguments reach commands
   * without control characters (a NUL, which PostgreSQL text refuses, would fail a stored reason) and at most
   * 1,000 characters each. */
  async handle(actor: Actor, name: string, rawArgs: string[]): Promise<CommandResult> {
    const started = performance.now();
    const args = rawArgs.map((a) => clip(a, 1_000));
    const cmd = this.commands.get(name.toLowerCase());
    const role = this.auth.roleOf(actor);
    let result: CommandResult | null;
    let outcome: 'ok' | 'refused' | 'error' | 'confirm_requested' = 'ok';
    if (!cmd) {
      result = { kind: 'error', message: `Unknown command /${name}. Send /help for the list.` };
      outcome = 'error';
    } else if (cmd.public) {
      result = await this.run(cmd, actor, role, args);
    } else if (!role) {
      result = { kind: 'refused', reason: `You are not authorised to use this bot (user id ${actor.userId}).` };
      outcome = 'refused';
    } else if (ROLE_RANK[role] < ROLE_RANK[cmd.minRole]) {
      result = { kind: 'refused', reason: `/${cmd.name} needs the ${cmd.minRole} role; you are ${role}.` };
      outcome = 'refused';
    } else if (cmd.dangerous && (result = await this.validate(cmd, args)) !== null) {
      outcome = 'error';
    } else if (cmd.dangerous) {
      const token = randomBytes(6).toString('hex');
      const pending: PendingConfirmation = { command: cmd.name, args, userId: actor.userId, transport: actor.transport };
      await this.cache.set(confirmKey(token), JSON.stringify(pending), this.confirmTtlSeconds);
      result = { kind: 'confirm', token, command: cmd.name, prompt: `Really run /${cmd.name}${args.length ? ` ${args.join(' ')}` : ''}? ${cmd.description}`, expiresInSeconds: this.confirmTtlSeconds };
      outcome = 'confirm_requested';
    } else {
      result = await this.run(cmd, actor, role, args);
      if (result.kind === 'error') outcome = 'error';
    }
    await this.record(actor, name, args, role, outcome, result!, started);
    return result!;
  }

  /** Check a dangerous command's arguments before asking for confirmation; an error result or null. */
  private async validate(cmd: CommandDefinition, args: string[]): Promise<CommandResult | null> {
    if (!cmd.validate) return null;
    try {
      await cmd.validate(args);
      return null;
    } catch (err) {
      if (err instanceof UserError) return { kind: 'error', message: err.message };
      throw err;
    }
  }

  /** A button press whose data is not one Tiller made (forged, mangled, or from another bot): refused and
   * audited as `button` with what was sent (cut to 64 characters, Telegram's own limit for button data). */
  async unknownButton(actor: Actor, data: string): Promise<CommandResult> {
    const result: CommandResult = { kind: 'refused', reason: 'This button is not one Tiller made; nothing was done.' };
    await this.record(actor, 'button', [clip(data, 64)], this.auth.roleOf(actor), 'refused', result, performance.now());
    return result;
  }

  /** A confirmation button was pressed (or `/confirm TOKEN` typed). Only the requester may confirm. */
  async confirm(actor: Actor, token: string, accept: boolean): Promise<CommandResult> {
    const started = performance.now();
    const raw = await this.cache.get(confirmKey(token));
    const role = this.auth.roleOf(actor);
    if (!raw) {
      const result: CommandResult = { kind: 'error', message: 'This confirmation has expired or was already used. Send the command again.' };
      await this.record(actor, 'confirm', [token], role, 'error', result, started);
      return result;
    }
    const pending = JSON.parse(raw) as PendingConfirmation;
    if (pending.userId !== actor.userId || pending.transport !== actor.transport) {
      const result: CommandResult = { kind: 'refused', reason: 'Only the user who asked for this command can confirm it.' };
      await this.record(actor, `confirm:${pending.command}`, pending.args, role, 'refused', result, started);
      return result;
    }
    if ((await this.cache.take(confirmKey(token))) === null) {
      return { kind: 'error', message: 'This confirmation has expired or was already used. Send the command again.' };
    }
    const cmd = this.commands.get(pending.command);
    if (!accept || !cmd) {
      const result: CommandResult = { kind: 'cancelled', command: pending.command };
      await this.record(actor, `confirm:${pending.command}`, pending.args, role, 'ok', result, started);
      return result;
    }
    // The role is checked again: it may have been removed since the request.
    if (!role || ROLE_RANK[role] < ROLE_RANK[cmd.minRole]) {
      const result: CommandResult = { kind: 'refused', reason: `/${cmd.name} needs the ${cmd.minRole} role.` };
      await this.record(actor, `confirm:${pending.command}`, pending.args, role, 'refused', result, started);
      return result;
    }
    const result = await this.run(cmd, actor, role, pending.args);
    await this.record(actor, `confirm:${cmd.name}`, pending.args, role, result.kind === 'error' ? 'error' : 'confirmed', result, started);
    return result;
  }

  private async run(cmd: CommandDefinition, actor: Actor, role: Role | null, args: string[]): Promise<CommandResult> {
    if (!cmd.shared) return this.runOnce(cmd, actor, role, args);
    const key = `${cmd.name}\u0000${args.join('\u0000')}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = this.runOnce(cmd, actor, role, args).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  private async runOnce(cmd: CommandDefinition, actor: Actor, role: Role | null, args: string[]): Promise<CommandResult> {
    try {
      return await cmd.run({ actor, role, args });
    } catch (err) {
      if (err instanceof NotFoundError) return { kind: 'error', message: err.message, cause: 'not_found' };
      if (err instanceof UserError) return { kind: 'error', message: err.message };
      if (isDatabaseUnavailable(err)) {
        this.log.error({ err, command: cmd.name }, 'command failed: the database is unavailable');
        return { kind: 'error', message: 'The database is unavailable right now. Tiller keeps running and will answer again once it is back.', cause: 'unavailable' };
      }
      this.log.error({ err, command: cmd.name }, 'command failed');
      return { kind: 'error', message: `/${cmd.name} failed because of an internal error; it has been logged.`, cause: 'internal' };
    }
  }

  /**
   * Suggestions while a user types an option of `name` (Discord's autocomplete), from `list`: only for a user
   * whose role may run that command; anyone else (a stranger in the guild, another guild) gets none. Audited
   * like a command, as `autocomplete:<command>` with what was typed.
   */
  async suggestions(actor: Actor, name: string, typed: string, list: () => Promise<string[]>): Promise<string[]> {
    const started = performance.now();
    const cmd = this.commands.get(name.toLowerCase());
    const role = this.auth.roleOf(actor);
    const command = `autocomplete:${cmd?.name ?? name}`;
    if (!cmd || (!cmd.public && (!role || ROLE_RANK[role] < ROLE_RANK[cmd.minRole]))) {
      const reason = !cmd ? `Unknown command /${name}.` : !role ? `You are not authorised to use this bot (user id ${actor.userId}).` : `/${cmd.name} needs the ${cmd.minRole} role; you are ${role}.`;
      await this.record(actor, command, [typed], role, 'refused', { kind: 'refused', reason }, started);
      return [];
    }
    const found = await list();
    await this.record(actor, command, [typed], role, 'ok', { kind: 'suggestions', count: found.length }, started);
    return found;
  }

  private async record(
    actor: Actor, command: string, args: string[], role: Role | null, outcome: 'ok' | 'refused' | 'error' | 'confirm_requested' | 'confirmed',
    result: CommandResult | { kind: 'suggestions'; count: number }, started: number,
  ): Promise<void> {
    // Metric labels only name known commands: an invented one (anyone can type `/zz123`) would add series
    // without bound. The audit log keeps what was typed.
    const known = command === 'confirm' || this.commands.has(command.replace(/^(confirm|autocomplete):/, ''));
    const label = known ? command : 'unknown';
    commandsTotal.inc({ command: label, transport: actor.transport, outcome });
    commandDuration.observe({ command: label }, (performance.now() - started) / 1000);
    const detail = result.kind === 'refused' ? result.reason : result.kind === 'error' ? result.message : result.kind === 'suggestions' ? `${result.count} suggestion(s)` : result.kind;
    // What a user typed is stored as text PostgreSQL accepts (no NUL) and of bounded length.
    const entry = {
      at: this.clock.now(), transport: actor.transport, userId: clip(actor.userId, 64), chatId: clip(actor.chatId, 64), command: clip(command, 100),
      args: clip(args.join(' '), 4_096), role, outcome, detail: clip(detail, 4_096),
    };
    try {
      await this.audit.record(entry);
    } catch (err) {
      // The database is down (or the write failed): the call is still answered, and the entry goes to the log.
      this.log.error({ err, audit: entry }, 'audit entry not stored');
    }
  }
}

function confirmKey(token: string): string {
  return `tiller:confirm:${token}`;
}
