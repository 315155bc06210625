/** Runs one tracked pipeline step with retries: TemporaryError is retried with exponential backoff,
 * anything else fails the step at once. Every attempt is recorded (status, rows, error, timings). */
import { withRetry } from '../domain/retry.js';
import type { PipelineRepository } from '../ports/repositories.port.js';

export interface StepOptions {
  maxAttempts: number;
  retryDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
  onAttemptFailed?: (step: string, attempt: number, err: unknown) => void;
}

export function runStep(
  repo: PipelineRepository, runId: number, step: string, opts: StepOptions, body: () => Promise<number>,
): Promise<number> {
  const policy = { attempts: opts.maxAttempts, baseDelayMs: opts.retryDelayMs, sleep: opts.sleep, onFailure: (err: unknown, attempt: number) => opts.onAttemptFailed?.(step, attempt, err) };
  return withRetry(policy, async (attempt) => {
    const stepId = await repo.startStep(runId, step, attempt);
    try {
      const rows = await body();
      await repo.finishStep(stepId, 'succeeded', rows);
      return rows;
    } catch (err) {
      await repo.finishStep(stepId, 'failed', 0, err instanceof Error ? err.message : String(err));
      throw err;
    }
  });
}
