import { UserError } from '../domain/errors.js';
import type { CommandServices } from './command-services.js';
import type { CommandDefinition } from './command.types.js';

/** /pipeline [n]: the last runs of the data pipeline with their steps and quarantined rows. */
export function pipelineCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'pipeline', description: 'The last data pipeline runs: steps, rows, timings, quarantined rows', usage: '/pipeline [runs, 1-10]',
    minRole: 'operator', dangerous: false,
    options: [{ name: 'runs', description: 'How many runs (1-10, default 3)', type: 'integer', required: false }],
    async run({ args }) {
      const n = args[0] === undefined ? 3 : Number(args[0]);
      if (!Number.isInteger(n) || n < 1 || n > 10) throw new UserError(`"${args[0]}" is not a number of runs from 1 to 10.`);
      const runs = await s.repos.pipeline.lastRuns(n);
      const withQ = await Promise.all(runs.map(async (r) => ({ ...r, quarantine: await s.repos.pipeline.quarantineCounts(r.id) })));
      return { kind: 'pipeline', runs: withQ };
    },
  };
}
