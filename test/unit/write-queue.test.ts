import { describe, expect, it } from 'vitest';
import { WriteQueue } from '../../src/pipeline/write-queue.js';

/** A write that resolves (or rejects) when told to, recording how many ran at once. */
function harness() {
  let running = 0;
  let peak = 0;
  const pending: Array<{ done: (n: number) => void; fail: (e: Error) => void }> = [];
  const write = (n: number) => () => new Promise<number>((resolve, reject) => {
    running++;
    peak = Math.max(peak, running);
    pending.push({ done: () => { running--; resolve(n); }, fail: (e) => { running--; reject(e); } });
  });
  return { write, pending, stats: () => ({ running, peak }) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('write queue', () => {
  it('runs at most `limit` writes at once, starts the next when the oldest ends, and sums their rows', async () => {
    const h = harness();
    const q = new WriteQueue(2);
    await q.add(h.write(3));
    await q.add(h.write(4));
    const third = q.add(h.write(5));
    await tick();
    expect(h.stats()).toEqual({ running: 2, peak: 2 });
    h.pending[0]!.done(3);
    await third;
    expect(h.stats().running).toBe(2);
    h.pending[1]!.done(4);
    h.pending[2]!.done(5);
    expect(await q.finish()).toBe(12);
    expect(h.stats()).toEqual({ running: 0, peak: 2 });
  });

  it('fails with the first error only after every other started write has settled', async () => {
    const h = harness();
    const q = new WriteQueue(2);
    await q.add(h.write(1));
    await q.add(h.write(2));
    let settled = false;
    const finish = q.finish().catch((e: Error) => {
      settled = true;
      return e;
    });
    h.pending[0]!.fail(new Error('copy failed'));
    await tick();
    expect(settled).toBe(false); // the second write is still running
    h.pending[1]!.done(2);
    expect(((await finish) as Error).message).toBe('copy failed');
    expect(h.stats().running).toBe(0);
  });
});
