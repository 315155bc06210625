/** Whether a shared service (Redis) answers, as the calls that use it find out. The first failed call marks it
 * down and tells the listener once; while it is down nobody waits on it, and a probe every `retryMs` brings it
 * back, telling the listener again. */
export interface LinkChange {
  service: string;
  up: boolean;
  /** Why it went down, or how long it was down. */
  detail: string;
  at: Date;
}

export class ServiceLink {
  private downSince: Date | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly upListeners = new Set<() => void>();

  /**
   * @param probe resolves when the service answers again
   * @param onChange told of every change, down or back up (it must not throw)
   */
  constructor(
    readonly service: string,
    private readonly probe: () => Promise<void>,
    private readonly onChange: (change: LinkChange) => void,
    private readonly retryMs = 5_000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** True while the service is known to be down. */
  get down(): boolean {
    return this.downSince !== null;
  }

  /** A call failed: the service is down from now until a probe answers. */
  failed(err: unknown): void {
    if (this.downSince) return;
    this.downSince = this.now();
    this.onChange({ service: this.service, up: false, detail: err instanceof Error ? err.message : String(err), at: this.downSince });
    this.timer = setInterval(() => void this.check(), this.retryMs);
    this.timer.unref();
  }

  /** Run `fn` each time the service comes back (re-subscriptions). */
  onUp(fn: () => void): void {
    this.upListeners.add(fn);
  }

  private async check(): Promise<void> {
    if (!this.downSince) return;
    try {
      await this.probe();
    } catch {
      return;
    }
    const since = this.downSince;
    this.downSince = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const at = this.now();
    this.onChange({ service: this.service, up: true, detail: `down for ${Math.round((at.getTime() - since.getTime()) / 1000)} s`, at });
    for (const fn of this.upListeners) fn();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
