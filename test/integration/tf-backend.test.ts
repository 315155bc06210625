/** The TensorFlow.js backend is chosen at run time, each in a fresh process: tfjs-node when it loads (an
 * optional package that cannot install offline), else wasm, else cpu; a named preference is tried first. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const probe = (...args: string[]) => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', 'test/helpers/tf-backend-probe.ts', ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').at(-1)!) as {
  backend: string; active: string; sum: number; addedListeners: number; tried: Array<{ backend: string; error: string }>;
};
const nativeInstalled = existsSync(path.join(ROOT, 'node_modules/@tensorflow/tfjs-node/package.json'));

describe('TensorFlow.js backend selection', () => {
  it('auto: tfjs-node when it loads, else wasm; the wasm module leaves no process-wide handlers behind', () => {
    const out = probe('auto');
    expect(out.sum).toBe(6.5);
    if (nativeInstalled) {
      expect(out.backend).toBe('tensorflow');
    } else {
      expect(out).toMatchObject({ backend: 'wasm', active: 'wasm', addedListeners: 0 });
      expect(out.tried.map((t) => t.backend)).toEqual(['tensorflow']);
      expect(out.tried[0]!.error).toMatch(/tfjs-node/);
    }
  }, 60_000);

  it('falls back to cpu when the wasm binary cannot be loaded, and says why', () => {
    const out = probe('wasm', 'break-wasm');
    expect(out).toMatchObject({ backend: 'cpu', active: 'cpu', sum: 6.5 });
    expect(out.tried[0]!.backend).toBe('wasm');
    expect(out.tried[0]!.error.length).toBeGreaterThan(0);
  }, 60_000);

  it('a preference is tried first', () => {
    expect(probe('cpu')).toMatchObject({ backend: 'cpu', tried: [] });
  }, 60_000);
});
