/** Redis-backed Cache and EventBus (ioredis), used when REDIS_URL is set. Pub/sub needs its own connection. */
import { Redis } from 'ioredis';
import type { Cache } from '../src/ports/cache.port.js';
import type { EventBus } from '../src/ports/event-bus.port.js';

function connect(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 3, connectTimeout: 5_000, lazyConnect: false });
}

export class RedisCache implements Cache {
  private readonly redis: Redis;

  constructor(url: string) {
    this.redis = connect(url);
    this.redis.on('error', () => undefined); // surfaced through probe() and failed commands
  }

  get(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(key, value, 'EX', ttlSeconds);
  }

  take(key: string): Promise<string | null> {
    return this.redis.getdel(key);
  }

  async probe(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

export class RedisEventBus implements EventBus {
  private readonly pub: Redis;
  private sub: Redis | null = null;
  private readonly handlers = new Map<string, Set<(m: string) => void>>();

  constructor(private readonly url: string) {
    this.pub = connect(url);
    this.pub.on('error', () => undefined);
  }

  async publish(topic: string, message: string): Promise<void> {
    await this.pub.publish(topic, message);
  }

  async subscribe(topic: string, handler: (message: string) => void): Promise<() => Promise<void>> {
    if (!this.sub) {
      const sub = connect(this.url);
      sub.on('error', () => undefined);
      sub.on('message', (t: string, m: string) => this.handlers.get(t)?.forEach((h) => h(m)));
      this.sub = sub;
    }
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
      try {
        await this.sub.subscribe(topic);
      } catch (err) {
        // Not subscribed: a later call must try again rather than find the topic known.
        this.handlers.delete(topic);
        throw err;
      }
    }
    set.add(handler);
    return async () => {
      set.delete(handler);
    };
  }

  async close(): Promise<void> {
    await this.pub.quit();
    if (this.sub) await this.sub.quit();
  }
}
