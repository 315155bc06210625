/** Writes that overlap the work producing them: up to `limit` run at once, and a new one waits for the
 * oldest beyond that. Each COPY is a PostgreSQL server process of its own, so on a small machine two of them
 * use the core this process leaves idle while it computes the next batch. */
export class WriteQueue {
  private readonly inFlight: Array<Promise<number>> = [];
  private total = 0;

  constructor(private readonly limit: number) {}

  /** Start `write` once fewer than `limit` are running. Rejects with the first failed write's error, after
   * every other started write has settled (so a retry never races a write of the failed attempt). */
  async add(write: () => Promise<number>): Promise<void> {
    await this.settle(this.limit - 1);
    const p = write();
    p.catch(() => undefined); // surfaced by settle()
    this.inFlight.push(p);
  }

  /** Wait for every write; the rows they reported, summed. Rejects as {@link add} does. */
  async finish(): Promise<number> {
    await this.settle(0);
    return this.total;
  }

  private async settle(keep: number): Promise<void> {
    try {
      while (this.inFlight.length > keep) this.total += await this.inFlight[0]!.finally(() => this.inFlight.shift());
    } catch (err) {
      await Promise.allSettled(this.inFlight.splice(0));
      throw err;
    }
  }
}
