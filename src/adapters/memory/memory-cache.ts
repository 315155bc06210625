/** In-process Cache used when REDIS_URL is not set. Same contract as the Redis cache. */
import type { Cache } from '../../ports/cache.port.js';
import type { Clock } from '../../ports/clock.port.js';

export class MemoryCache implements Cache {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  /** Expiry uses wall time by default; tests may pass a clock. */
  constructor(private readonly clock: Clock = { now: () => new Date() }) {}

  async get(key: string): Promise<string | null> {
    const e = this.entries.get(key);
    if (!e) return null;
    if (e.expiresAt <= this.clock.now().getTime()) {
      this.entries.delete(key);
      return null;
    }
    return e.value;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.clock.now().getTime() + ttlSeconds * 1000 });
  }

  async take(key: string): Promise<string | null> {
    const v = await this.get(key);
    this.entries.delete(key);
    return v;
  }

  async probe(): Promise<void> {}

  async close(): Promise<void> {
    this.entries.clear();
  }
}
