/** How online providers call out: at most `requestsPerSecond` (bottleneck), temporary failures retried
 * with exponential backoff (p-retry), a rate limit's retry-after honoured; other errors fail at once. */
import Bottleneck from 'bottleneck';
import pRetry, { AbortError } from 'p-retry';
import { RateLimitedError, TemporaryError } from '../../domain/errors.js';

export interface RequestPolicy {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export interface RequestPolicySettings {
  requestsPerSecond: number;
  retries: number;
  /** First backoff; it doubles per attempt. */
  minTimeoutMs: number;
}

export function requestPolicy(s: RequestPolicySettings): RequestPolicy {
  const limiter = new Bottleneck({ minTime: Math.ceil(1000 / s.requestsPerSecond), maxConcurrent: 4 });
  return {
    run<T>(fn: () => Promise<T>): Promise<T> {
      return pRetry(
        async () => {
          try {
            return await limiter.schedule(fn);
          } catch (err) {
            if (err instanceof TemporaryError) throw err;
            throw new AbortError(err instanceof Error ? err : new Error(String(err)));
          }
        },
        {
          retries: s.retries,
          minTimeout: s.minTimeoutMs,
          factor: 2,
          onFailedAttempt: async (err) => {
            if (err instanceof RateLimitedError && err.retriesLeft > 0) await new Promise((r) => setTimeout(r, err.retryAfterSeconds * 1000));
          },
        },
      );
    },
  };
}
