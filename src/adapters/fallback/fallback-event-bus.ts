/** A shared event bus (Redis pub/sub) with an in-process one behind it. Handlers listen on both; a message
 * goes to the shared bus, or to this process's own while the shared one is down (other processes then wake
 * by their poll timers: bus messages only announce what PostgreSQL already holds). A subscription the
 * shared bus refused is made again when it comes back. */
import type { EventBus } from '../../ports/event-bus.port.js';
import { withTimeout } from '../with-timeout.js';
import { SHARED_CALL_MS } from './fallback-cache.js';
import type { ServiceLink } from './service-link.js';

export class FallbackEventBus implements EventBus {
  /** Subscriptions the shared bus has not confirmed yet, made again when it is back. */
  private readonly pending = new Map<string, Set<(message: string) => void>>();
  /** How to take each handler off the shared bus. */
  private readonly sharedOff = new Map<(message: string) => void, () => Promise<void>>();

  constructor(private readonly shared: EventBus, private readonly local: EventBus, private readonly link: ServiceLink) {
    link.onUp(() => void this.resubscribe());
  }

  async publish(topic: string, message: string): Promise<void> {
    if (!this.link.down) {
      try {
        await withTimeout(this.shared.publish(topic, message), SHARED_CALL_MS, `${this.link.service} publish`);
        return;
      } catch (err) {
        this.link.failed(err);
      }
    }
    await this.local.publish(topic, message);
  }

  async subscribe(topic: string, handler: (message: string) => void): Promise<() => Promise<void>> {
    const offLocal = await this.local.subscribe(topic, handler);
    if (this.link.down) this.later(topic, handler);
    else await this.share(topic, handler);
    return async () => {
      this.pending.get(topic)?.delete(handler);
      await offLocal();
      await this.sharedOff.get(handler)?.();
      this.sharedOff.delete(handler);
    };
  }

  /** Subscribe `handler` on the shared bus, or keep it for when the shared bus is back. */
  private async share(topic: string, handler: (message: string) => void): Promise<void> {
    try {
      this.sharedOff.set(handler, await withTimeout(this.shared.subscribe(topic, handler), SHARED_CALL_MS, `${this.link.service} subscribe`));
    } catch (err) {
      this.link.failed(err);
      this.later(topic, handler);
    }
  }

  private later(topic: string, handler: (message: string) => void): void {
    let set = this.pending.get(topic);
    if (!set) this.pending.set(topic, (set = new Set()));
    set.add(handler);
  }

  private async resubscribe(): Promise<void> {
    const waiting = [...this.pending].flatMap(([topic, handlers]) => [...handlers].map((h) => [topic, h] as const));
    this.pending.clear();
    for (const [topic, h] of waiting) await this.share(topic, h);
  }

  async close(): Promise<void> {
    this.link.close();
    // Bounded: closing a client whose server is gone must not hold the shutdown.
    await Promise.allSettled([withTimeout(this.shared.close(), SHARED_CALL_MS, `${this.link.service} close`), this.local.close()]);
  }
}
