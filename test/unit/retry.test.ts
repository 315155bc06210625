/** The one retry loop: which errors it retries, how long it waits, and what it tells its caller. */
import { describe, expect, it } from 'vitest';
import { OperationalError, RateLimitedError, TemporaryError } from '../../src/domain/errors.js';
import { withRetry } from '../../src/domain/retry.js';

describe('withRetry', () => {
  it('retries temporary errors after a doubling delay, or the delay the error asks for, up to the attempts', async () => {
    const slept: number[] = [];
    const told: Array<[number, number | null]> = [];
    const errors = [new TemporaryError('timeout'), new RateLimitedError('429', 7), new TemporaryError('timeout')];
    const result = await withRetry({
      attempts: 4, baseDelayMs: 100, sleep: async (ms) => void slept.push(ms),
      delayFor: (err) => (err instanceof RateLimitedError ? err.retryAfterSeconds * 1000 : null),
      onFailure: (_err, attempt, retryInMs) => void told.push([attempt, retryInMs]),
    }, async (attempt) => {
      const err = errors[attempt - 1];
      if (err) throw err;
      return `ok on ${attempt}`;
    });
    expect(result).toBe('ok on 4');
    expect(slept).toEqual([100, 7000, 400]);
    expect(told).toEqual([[1, 100], [2, 7000], [3, 400]]);
  });

  it('gives up after its attempts, and at once on any other error, saying no retry follows', async () => {
    const told: Array<[number, number | null]> = [];
    const policy = { attempts: 2, baseDelayMs: 0, sleep: async () => undefined, onFailure: (_e: unknown, a: number, r: number | null) => void told.push([a, r]) };
    let calls = 0;
    await expect(withRetry(policy, async () => { calls++; throw new TemporaryError('down'); })).rejects.toThrow('down');
    expect([calls, told]).toEqual([2, [[1, 0], [2, null]]]);
    told.length = 0;
    calls = 0;
    await expect(withRetry(policy, async () => { calls++; throw new OperationalError('halted'); })).rejects.toThrow('halted');
    expect([calls, told]).toEqual([1, [[1, null]]]);
  });
});
