/** The clock of a process that runs jobs: the wall clock, except inside a run pinned to another time. The pin
 * follows the run through its async calls (AsyncLocalStorage), so two jobs running at once in one worker each
 * read their own time, and chat commands answered meanwhile read the wall clock. */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { PinnableClock } from '../../ports/clock.port.js';

export class RunClock implements PinnableClock {
  private readonly pinned = new AsyncLocalStorage<number>();

  now(): Date {
    return new Date(this.pinned.getStore() ?? Date.now());
  }

  runAt<T>(at: Date, fn: () => Promise<T>): Promise<T> {
    return this.pinned.run(at.getTime(), fn);
  }
}
