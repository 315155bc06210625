/** Time source. Live code uses the system clock; replay and tests use a controllable one. */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that can be pinned for the duration of one job run: a job queued for a past day runs at that job's
 * scheduled time on that day, as `tiller run --day` and replay run it. */
export interface PinnableClock extends Clock {
  /** Run `fn` with this clock reading `at` inside it (and in everything it calls), the wall clock elsewhere. */
  runAt<T>(at: Date, fn: () => Promise<T>): Promise<T>;
}

export function isPinnable(clock: Clock): clock is PinnableClock {
  return typeof (clock as Partial<PinnableClock>).runAt === 'function';
}

/** A clock set by hand: replay moves it through the schedule of historical days. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(at: Date): void {
    this.current = new Date(at.getTime());
  }
}
