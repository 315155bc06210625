/** The command core on real PostgreSQL (audit log): deny by default, roles, confirmations that expire and
 * that only the requester can use. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories } from '../../db/repositories/index.js';
import { MemoryCache } from '../../src/adapters/memory/memory-cache.js';
import { Authorizer } from '../../src/commands/auth.js';
import { CommandCore } from '../../src/commands/command-core.js';
import type { Actor, CommandDefinition } from '../../src/commands/command.types.js';
import { UserError } from '../../src/domain/errors.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import type { Repositories } from '../../src/ports/repositories.port.js';
import { openMigratedDatabase } from '../helpers/database.js';
import { registry } from '../../monitoring/metrics.js';

const admin: Actor = { transport: 'telegram', userId: '1', chatId: '-10' };
const operator: Actor = { transport: 'telegram', userId: '2', chatId: '-10' };
const viewer: Actor = { transport: 'telegram', userId: '3', chatId: '-10' };
const stranger: Actor = { transport: 'telegram', userId: '99', chatId: '-10' };

describe('command core', () => {
  let t: Awaited<ReturnType<typeof openMigratedDatabase>>;
  let repos: Repositories;
  let core: CommandCore;
  const clock = new ManualClock(new Date('2026-01-05T10:00:00Z'));
  const runs: string[] = [];
  const errors: unknown[] = [];
  /** Runs of the shared /tally, and the gates that hold them until released. */
  let tallies = 0;
  const gates: Array<() => void> = [];
  const release = () => gates.splice(0).forEach((open) => open());

  beforeAll(async () => {
    t = await openMigratedDatabase();
    repos = createRepositories(t.handle.db, t.handle.pool);
    const defs: CommandDefinition[] = [
      { name: 'peek', description: 'read', usage: '/peek', minRole: 'viewer', dangerous: false, run: async ({ args }) => ({ kind: 'cancelled', command: `peek ${args.join(' ')}` }) },
      { name: 'nudge', description: 'operate', usage: '/nudge', minRole: 'operator', dangerous: false, run: async () => { throw new UserError('Symbol ZZZ is unknown.'); } },
      {
        name: 'tally', description: 'shared read', usage: '/tally', minRole: 'viewer', dangerous: false, shared: true,
        run: async ({ args }) => {
          const n = ++tallies;
          await new Promise<void>((r) => gates.push(r));
          return { kind: 'cancelled', command: `tally ${args.join(' ')} run ${n}` };
        },
      },
      { name: 'boom', description: 'breaks', usage: '/boom', minRole: 'viewer', dangerous: false, run: async () => { throw new Error('db password=hunter2 leaked?'); } },
      { name: 'halt', description: 'Halts everything.', usage: '/halt', minRole: 'admin', dangerous: true, run: async ({ actor }) => { runs.push(actor.userId); return { kind: 'cancelled', command: 'halt ran' }; } },
    ];
    core = new CommandCore(defs, new Authorizer({ telegram: { admins: ['1'], operators: ['2'], viewers: ['3'] } }), repos.audit, new MemoryCache(clock), clock, 60,
      { error: (o) => errors.push(o) });
  });
  afterAll(() => t.drop());

  it('refuses unknown users and too-low roles, and audits every call', async () => {
    expect(await core.handle(stranger, 'peek', [])).toEqual({ kind: 'refused', reason: 'You are not authorised to use this bot (user id 99).' });
    expect(await core.handle(viewer, 'nudge', [])).toEqual({ kind: 'refused', reason: '/nudge needs the operator role; you are viewer.' });
    expect(await core.handle(viewer, 'peek', ['a', 'b'])).toEqual({ kind: 'cancelled', command: 'peek a b' });
    const audit = (await repos.audit.recent(10)).reverse();
    expect(audit.map((a) => [a.userId, a.command, a.args, a.role, a.outcome])).toEqual([
      ['99', 'peek', '', null, 'refused'], ['3', 'nudge', '', 'viewer', 'refused'], ['3', 'peek', 'a b', 'viewer', 'ok'],
    ]);
  });

  it('identical calls of a shared command that arrive while it runs share that run; each is still checked and audited', async () => {
    const before = (await repos.audit.recent(100)).length;
    const calls = [core.handle(viewer, 'tally', ['x']), core.handle(operator, 'tally', ['x']), core.handle(admin, 'tally', ['x']), core.handle(stranger, 'tally', ['x'])];
    await new Promise((r) => setTimeout(r, 50));
    expect(tallies).toBe(1);
    const other = core.handle(viewer, 'tally', ['y']); // other arguments: a run of its own
    await new Promise((r) => setTimeout(r, 50));
    expect(tallies).toBe(2);
    release();
    const results = await Promise.all([...calls, other]);
    expect(results.map((r) => (r.kind === 'cancelled' ? r.command : r.kind))).toEqual(['tally x run 1', 'tally x run 1', 'tally x run 1', 'refused', 'tally y run 2']);
    expect((await repos.audit.recent(100)).length - before).toBe(5);
    // Once it has ended, the next call runs afresh.
    const again = core.handle(viewer, 'tally', ['x']);
    await new Promise((r) => setTimeout(r, 50));
    release();
    expect(await again).toEqual({ kind: 'cancelled', command: 'tally x run 3' });
  });

  it('turns a UserError into its message and any other error into a generic reply without details', async () => {
    expect(await core.handle(operator, 'nudge', [])).toEqual({ kind: 'error', message: 'Symbol ZZZ is unknown.' });
    const r = await core.handle(viewer, 'boom', []);
    expect(r).toEqual({ kind: 'error', message: '/boom failed because of an internal error; it has been logged.', cause: 'internal' });
    expect(errors).toHaveLength(1);
    expect(await core.handle(viewer, 'nope', [])).toEqual({ kind: 'error', message: 'Unknown command /nope. Send /help for the list.' });
  });

  it('300 invented commands add no metric series: they count under "unknown" (the audit log keeps what was typed)', async () => {
    const series = async () => (await registry.getSingleMetricAsString('tiller_commands_total')).split('\n').filter((l) => l.startsWith('tiller_commands_total{'));
    const everySeries = async () => (await registry.metrics()).split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.slice(0, l.lastIndexOf(' ')));
    await core.handle(stranger, 'zz0', []);
    await core.handle(viewer, 'yy0', ['x']);
    const before = await series();
    const all = await everySeries();
    for (let i = 1; i <= 150; i++) {
      await core.handle(stranger, `zz${i}`, []);
      await core.handle(viewer, `yy${i}`, ['x'.repeat(100)]);
    }
    const after = await series();
    expect(after).toHaveLength(before.length);
    expect(after.some((l) => l.includes('zz') || l.includes('yy'))).toBe(false);
    const unknown = (lines: string[]) => Number(lines.find((l) => l.startsWith('tiller_commands_total{command="unknown",transport="telegram",outcome="error"}'))?.split(' ')[1]);
    expect(unknown(after) - unknown(before)).toBe(300);
    expect(await everySeries()).toEqual(all); // not one series more anywhere in /metrics
    expect((await repos.audit.recent(1))[0]!.command).toBe('yy150');
  });

  it('asks for confirmation; only the requester may confirm, once', async () => {
    const ask = await core.handle(admin, 'halt', []);
    expect(ask).toMatchObject({ kind: 'confirm', command: 'halt', expiresInSeconds: 60 });
    const token = (ask as { token: string }).token;
    expect(runs).toEqual([]);
    expect(await core.confirm(operator, token, true)).toEqual({ kind: 'refused', reason: 'Only the user who asked for this command can confirm it.' });
    expect(await core.confirm(admin, token, true)).toEqual({ kind: 'cancelled', command: 'halt ran' });
    expect(runs).toEqual(['1']);
    expect(await core.confirm(admin, token, true)).toMatchObject({ kind: 'error' });
    expect(runs).toEqual(['1']);
  });

  it('lets a confirmation expire after its time and lets the requester cancel', async () => {
    const token = ((await core.handle(admin, 'halt', [])) as { token: string }).token;
    clock.set(new Date(clock.now().getTime() + 61_000));
    expect(await core.confirm(admin, token, true)).toEqual({ kind: 'error', message: 'This confirmation has expired or was already used. Send the command again.' });
    const token2 = ((await core.handle(admin, 'halt', [])) as { token: string }).token;
    expect(await core.confirm(admin, token2, false)).toEqual({ kind: 'cancelled', command: 'halt' });
    expect(runs).toEqual(['1']);
  });
});
