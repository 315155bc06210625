/** A shared cache (Redis) with an in-process one behind it: while the shared one is down, values live in this
 * process (confirmations keep working here, though another process cannot see them), and a value stored
 * during the outage is still found after it. Every shared call is bounded, so an unreachable server never
 * holds a chat answer. */
import type { Cache } from '../../ports/cache.port.js';
import { withTimeout } from '../with-timeout.js';
import type { ServiceLink } from './service-link.js';

/** How long one call to the shared cache may take before this process carries on without it. */
export const SHARED_CALL_MS = 1_500;

export class FallbackCache implements Cache {
  constructor(private readonly shared: Cache, private readonly local: Cache, private readonly link: ServiceLink) {}

  /** `call` on the shared cache, or on the local one when the shared one is down or fails now. */
  private async either<T>(what: string, call: (c: Cache) => Promise<T>, orLocal: (v: T) => Promise<T> = async (v) => v): Promise<T> {
    if (!this.link.down) {
      try {
        return await orLocal(await withTimeout(call(this.shared), SHARED_CALL_MS, `${this.link.service} ${what}`));
      } catch (err) {
        this.link.failed(err);
      }
    }
    return call(this.local);
  }

  get(key: string): Promise<string | null> {
    return this.either('get', (c) => c.get(key), async (v) => v ?? this.local.get(key));
  }

  set(key: string, value: string, ttlSeconds: number): Promise<void> {
    return this.either('set', (c) => c.set(key, value, ttlSeconds));
  }

  take(key: string): Promise<string | null> {
    return this.either('take', (c) => c.take(key), async (v) => v ?? this.local.take(key));
  }

  /** The shared cache's own state: /health tells the truth while this process runs on the local one. */
  probe(): Promise<void> {
    return this.shared.probe();
  }

  async close(): Promise<void> {
    this.link.close();
    // Bounded: closing a client whose server is gone must not hold the shutdown.
    await Promise.allSettled([withTimeout(this.shared.close(), SHARED_CALL_MS, `${this.link.service} close`), this.local.close()]);
  }
}
