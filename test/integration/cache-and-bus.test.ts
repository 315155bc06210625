/** The Cache and EventBus contracts, for the in-process and the Redis implementations (real Redis). */
import { afterAll, describe, expect, it } from 'vitest';
import { RedisCache, RedisEventBus } from '../../db/redis.js';
import { MemoryCache } from '../../src/adapters/memory/memory-cache.js';
import { MemoryEventBus } from '../../src/adapters/memory/memory-event-bus.js';
import type { Cache } from '../../src/ports/cache.port.js';
import type { EventBus } from '../../src/ports/event-bus.port.js';
import { eventually } from '../helpers/tiller-process.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const caches: Array<[string, () => Cache]> = [['memory', () => new MemoryCache()], ['redis', () => new RedisCache(REDIS_URL)]];
const buses: Array<[string, () => EventBus]> = [['memory', () => new MemoryEventBus()], ['redis', () => new RedisEventBus(REDIS_URL)]];
const opened: Array<Cache | EventBus> = [];
afterAll(async () => {
  for (const o of opened) await o.close();
});

describe.each(caches)('%s cache', (_name, make) => {
  it('stores with expiry and takes a value only once', async () => {
    const cache = make();
    opened.push(cache);
    await cache.probe();
    const key = `tiller:test:${Math.random()}`;
    expect(await cache.get(key)).toBeNull();
    await cache.set(key, 'v1', 60);
    expect(await cache.get(key)).toBe('v1');
    expect(await cache.take(key)).toBe('v1');
    expect(await cache.take(key)).toBeNull();
    await cache.set(key, 'short', 1);
    expect(await cache.get(key)).toBe('short');
    await eventually(async () => ((await cache.get(key)) === null ? true : undefined), 5_000, 'the 1 s entry to expire');
  });
});

describe.each(buses)('%s event bus', (_name, make) => {
  it('delivers published messages to subscribers until they unsubscribe', async () => {
    const a = make();
    const b = make();
    opened.push(a, b);
    const topic = `tiller:test:${Math.random()}`;
    const got: string[] = [];
    const unsubscribe = await b.subscribe(topic, (m) => got.push(m));
    // The memory bus is per process, so it only reaches its own subscribers; Redis reaches every process.
    const publisher = _name === 'memory' ? b : a;
    await publisher.publish(topic, 'one');
    await eventually(() => (got.length === 1 ? true : undefined), 5_000, 'first message');
    await unsubscribe();
    await publisher.publish(topic, 'two');
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toEqual(['one']);
  });
});
