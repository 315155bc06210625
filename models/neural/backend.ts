/** The TensorFlow.js backend, chosen once per process at run time:
 * - `tensorflow` (`@tensorflow/tfjs-node`, native libtensorflow) when that optional package loads: it
 *   downloads libtensorflow when it installs, so offline installs drop it;
 * - else `wasm` (`@tensorflow/tfjs-backend-wasm`, single-threaded, about 5x faster than cpu here);
 * - else `cpu` (pure JavaScript, always available).
 * `preference` names one of them to try first, or `auto`. The outcome lists every backend tried and why it
 * failed, for the log and the registry. */
import type * as Tf from '@tensorflow/tfjs';

/** The TensorFlow.js module, loaded on first use: it takes about 0.4 s, which processes that never touch
 * a network (most CLI commands) do not pay. */
export type TfModule = typeof Tf;
let tfModule: Promise<TfModule> | undefined;
export const loadTf = (): Promise<TfModule> => (tfModule ??= import('@tensorflow/tfjs'));

export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/** What the selection chose and what it tried before. */
export interface BackendChoice {
  backend: string;
  tried: Array<{ backend: string; error: string }>;
}

const ORDER: ReadonlyArray<Exclude<BackendPreference, 'auto'>> = ['tensorflow', 'wasm', 'cpu'];

let chosen: Promise<BackendChoice> | undefined;

/** Select the backend once; later calls return the first outcome. */
export function ensureBackend(preference: BackendPreference = 'auto'): Promise<BackendChoice> {
  chosen ??= selectBackend(preference);
  return chosen;
}

/** Try the backends in order (the preferred one first) and keep the first that initialises. */
export async function selectBackend(preference: BackendPreference = 'auto'): Promise<BackendChoice> {
  const order = preference === 'auto' ? ORDER : [preference, ...ORDER.filter((b) => b !== preference)];
  const tf = await loadTf();
  const tried: BackendChoice['tried'] = [];
  for (const name of order) {
    try {
      await activate(tf, name);
      return { backend: tf.getBackend(), tried };
    } catch (e) {
      tried.push({ backend: name, error: (e instanceof Error ? e.message : String(e)).split('\n')[0]! });
    }
  }
  throw new Error(`no TensorFlow.js backend could start: ${tried.map((t) => `${t.backend}: ${t.error}`).join('; ')}`);
}

async function activate(tf: TfModule, name: Exclude<BackendPreference, 'auto'>): Promise<void> {
  if (name === 'tensorflow') {
    // The package name is held in a variable so that TypeScript does not need it installed.
    const pkg = '@tensorflow/tfjs-node';
    await import(pkg);
  }
  if (name === 'wasm') {
    // The wasm module installs process-wide uncaughtException/unhandledRejection listeners that rethrow;
    // the application keeps its own handling, so they are removed again once the module has started.
    const before = { exception: process.listeners('uncaughtException'), rejection: process.listeners('unhandledRejection') };
    await import('@tensorflow/tfjs-backend-wasm');
    try {
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
      await tf.ready();
    } finally {
      for (const l of process.listeners('uncaughtException')) if (!before.exception.includes(l)) process.removeListener('uncaughtException', l);
      for (const l of process.listeners('unhandledRejection')) if (!before.rejection.includes(l)) process.removeListener('unhandledRejection', l);
    }
    return;
  }
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend did not initialise`);
  await tf.ready();
}
