/** Runs one tracked pipeline step with retries: TemporaryError is retried with exponential backoff,
 * anything else fails the step at once. Every attempt is recorded (status, rows, error, timings). */
import { isRetryable } from '../domain/errors.js';
import type { PipelineRepository } from '../ports/repositories.port.js';

export interface StepOptions {
  maxAttempts: number;
  retryDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
  onAttemptFailed?: (step: string, attempt: number, err: unknown) => void;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runStep(
  repo: PipelineRepository, runId: number, step: string, opts: StepOptions, body: () => Promise<number>,
): Promise<number> {
  const sleep = opts.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    const stepId = await repo.startStep(runId, step, attempt);
    try {
      const rows = await body();
      await repo.finishStep(stepId, 'succeeded', rows);
      return rows;
    } catch (err) {
      await repo.finishStep(stepId, 'failed', 0, err instanceof Error ? err.message : String(err));
      opts.onAttemptFailed?.(step, attempt, err);
      if (!isRetryable(err) || attempt >= opts.maxAttempts) throw err;
      await sleep(opts.retryDelayMs * 2 ** (attempt - 1));
    }
  }
}
