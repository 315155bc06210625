import { UserError } from '../domain/errors.js';
import type { CommandServices } from './command-services.js';
import type { CommandDefinition } from './command.types.js';

/** /jobs: each daily job's schedule and its latest run (when, why, how it ended). */
export function jobsCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'jobs', description: 'The daily jobs: schedule and latest run', usage: '/jobs', minRole: 'viewer', dangerous: false,
    async run() {
      const latest = new Map((await s.repos.jobRuns.latest()).map((r) => [r.job, r]));
      return {
        kind: 'jobs', timezone: s.config.market.timezone,
        jobs: s.jobs.names.map((name) => ({ name, schedule: s.jobs.schedule[name] ?? '', last: latest.get(name) ?? null })),
      };
    },
  };
}

/** /run JOB: queue one daily job now for today's trading day (operator), through Agenda: a started scheduler
 * (`start` or a `worker`) runs it under Agenda's locks; its end shows in /jobs, and a failure raises the usual
 * job_failed alert. */
export function runCommand(s: CommandServices): CommandDefinition {
  const check = (args: string[]): string => {
    const job = args[0]?.toLowerCase();
    if (!job || args.length !== 1) throw new UserError(`Usage: /run JOB, one of ${s.jobs.names.join(', ')}`);
    if (!s.jobs.names.includes(job)) throw new UserError(`"${args[0]}" is not a job: use one of ${s.jobs.names.join(', ')}`);
    return job;
  };
  return {
    name: 'run', description: 'Run a daily job now', usage: `/run ${s.jobs.names.join('|')}`, minRole: 'operator', dangerous: false,
    options: [{ name: 'job', description: 'The job to run now', type: 'string', required: true, choices: s.jobs.names }],
    async run({ actor, args }) {
      const job = check(args);
      const { day } = await s.jobs.trigger(job, `chat:${actor.transport}:${actor.userId}`);
      return { kind: 'job_started', job, day };
    },
  };
}
