/** /models and /model KIND: the model registry from chat. /models lists each kind's active model (or its
 * latest, when none passed the gate) with its out-of-sample figures beside the baseline's and its age;
 * /model KIND lists that kind's versions and the active one's folds. */
import { UserError } from '../domain/errors.js';
import type { CommandDefinition } from './command.types.js';
import type { CommandServices } from './command-services.js';

export function modelsCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'models', description: 'Trained models: the active one of each kind, out of sample, beside the baseline', usage: '/models', minRole: 'viewer', dangerous: false,
    async run({ args }) {
      if (args.length > 0) throw new UserError('Usage: /models');
      const all = await s.repos.models.list();
      // Per kind: the active model, else the newest (then the reply says none is active).
      const byKind = new Map<string, (typeof all)[number]>();
      for (const m of all) {
        const have = byKind.get(m.kind);
        if (!have || (m.status === 'active' && have.status !== 'active')) byKind.set(m.kind, m);
      }
      return { kind: 'models', models: [...byKind.values()].sort((a, b) => a.kind.localeCompare(b.kind)), now: s.clock.now() };
    },
  };
}

export function modelCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'model', description: 'One model kind: its versions and the active one\'s walk-forward folds', usage: '/model KIND', minRole: 'viewer', dangerous: false,
    options: [{ name: 'kind', description: 'The model kind, e.g. trees-gbt', type: 'string', required: true }],
    async run({ args }) {
      if (args.length !== 1) throw new UserError('Usage: /model KIND (see /models for the kinds)');
      const kind = args[0]!;
      const versions = await s.repos.models.list(kind);
      if (versions.length === 0) {
        const kinds = [...new Set((await s.repos.models.list()).map((m) => m.kind))].sort();
        throw new UserError(`no model of kind "${kind}"${kinds.length ? `; kinds: ${kinds.join(', ')}` : '; none trained yet: run `tiller train`'}`);
      }
      return { kind: 'model', versions: versions.slice(0, 10), now: s.clock.now() };
    },
  };
}
