/** Bounded concurrency for incoming updates that does not hold the loop feeding them. telegraf's long
 * polling waits for every update of a batch before it asks for the next batch, so one slow reply held up to
 * 99 others; here an update's work starts at once (or as soon as fewer than `limit` are running) and the loop
 * moves on while it runs. */
export class Admission {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly idle: Array<() => void> = [];

  /** @param onError told of any failure of the work (which has no caller left to throw to) */
  constructor(private readonly limit: number, private readonly onError: (err: unknown) => void) {}

  /** Start `work`; resolves when it has started, not when it ends. */
  async start(work: () => Promise<void>): Promise<void> {
    while (this.running >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    void work().catch(this.onError).finally(() => {
      this.running--;
      this.waiting.shift()?.();
      if (this.running === 0) for (const r of this.idle.splice(0)) r();
    });
  }

  /** Resolves when no work is running (at shutdown, before the database closes). */
  async drain(): Promise<void> {
    if (this.running > 0) await new Promise<void>((r) => this.idle.push(r));
  }
}
