/** The one retry loop: a TemporaryError is tried again, up to `attempts` tries in all, after a doubling delay;
 * any other error (an OperationalError, a bug) ends it at once. The broker calls, the pipeline steps and the
 * jobs each use it with their own attempts, delays and bookkeeping. */
import { isRetryable } from './errors.js';

export interface RetryPolicy {
  /** Tries in all (1: no retry). */
  attempts: number;
  /** Delay before the first retry, doubling for each one after. */
  baseDelayMs: number;
  /** The delay before retrying after `err` instead of the doubling one (a rate limit's retry-after), or null. */
  delayFor?: (err: unknown) => number | null;
  /** Called after each failed try, told whether another follows and after how long (records, metrics, logs). */
  onFailure?: (err: unknown, attempt: number, retryInMs: number | null) => void | Promise<void>;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Run `fn` (given its 1-based try) until it succeeds, fails for good, or has used its attempts. */
export async function withRetry<T>(policy: RetryPolicy, fn: (attempt: number) => Promise<T>): Promise<T> {
  const attempts = Math.max(1, policy.attempts);
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const retry = isRetryable(err) && attempt < attempts;
      const delay = retry ? (policy.delayFor?.(err) ?? policy.baseDelayMs * 2 ** (attempt - 1)) : null;
      await policy.onFailure?.(err, attempt, delay);
      if (delay === null) throw err;
      await (policy.sleep ?? realSleep)(delay);
    }
  }
}
