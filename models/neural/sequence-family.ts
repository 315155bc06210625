/** A TensorFlow.js sequence model as a model family: it samples training windows from the fold's purged
 * training days (seeded, so a rerun trains the same network on the same backend), trains batch by batch
 * with mean squared error on the target rank (yielding to the event loop between batches, with progress),
 * scores in chunks, and stores topology and weights in the artefact's JSON. */
import type * as Tf from '@tensorflow/tfjs';
import { seededRandom } from '../../src/backtest/monte-carlo.js';
import { OperationalError } from '../../src/domain/errors.js';
import { cellsOf, type ModelFamily } from '../model-families.js';
import type { Panel } from '../panel.js';
import { ensureBackend, loadTf, type TfModule } from './backend.js';

/** Training settings shared by the sequence families. */
export interface SequenceParams {
  /** Days per window. */
  steps: number;
  /** Training windows sampled per fit (from the labelled, purged training days). */
  samples: number;
  epochs: number;
  batch: number;
  learningRate: number;
  seed: number;
}

/** How one family turns (day, symbol) into inputs and which network it trains. */
export interface SequenceSpec {
  name: string;
  params: SequenceParams;
  /** 'float': `width` inputs per step; 'tokens': one token per step, one-hot encoded to `width` for the net. */
  input: 'float' | 'tokens';
  width: number;
  /** Write the window of (d, s) at `offset`; false when the window is not usable. */
  encode(p: Panel, d: number, s: number, out: Float32Array | Int32Array, offset: number): boolean;
  /** The untrained network, its weights drawn from `seed`. */
  build(tf: TfModule, seed: number): Tf.LayersModel;
}

/** What the artefact holds for a sequence model. */
interface SequenceBody {
  family: string;
  input: SequenceSpec['input'];
  steps: number;
  width: number;
  topology: object;
  weightSpecs: Tf.io.WeightsManifestEntry[];
  /** The weights, base64. */
  weights: string;
}

const SCORE_CHUNK = 1024;

export function sequenceFamily(spec: SequenceSpec): ModelFamily<Tf.LayersModel> {
  const { steps, batch } = spec.params;
  const perSample = spec.input === 'float' ? steps * spec.width : steps;
  const alloc = (n: number): Float32Array | Int32Array => (spec.input === 'float' ? new Float32Array(n * perSample) : new Int32Array(n * perSample));
  /** Inputs of `n` samples from `buf` as the tensor the network takes. */
  const inputTensor = (tf: TfModule, buf: Float32Array | Int32Array, n: number): Tf.Tensor => (spec.input === 'float'
    ? tf.tensor3d(buf.subarray(0, n * perSample) as Float32Array, [n, steps, spec.width])
    : tf.oneHot(tf.tensor2d(buf.subarray(0, n * perSample) as Int32Array, [n, steps], 'int32'), spec.width));

  return {
    name: spec.name,
    params: spec.params,
    backend: async () => (await ensureBackend()).backend,

    async fit(p, train, onProgress) {
      await ensureBackend();
      const tf = await loadTf();
      const random = seededRandom(spec.params.seed);
      // Every labelled cell of the training span, shuffled; keep the first `samples` whose window is usable.
      const cells = cellsOf(p, train, true);
      shuffle(cells, random);
      const xs = alloc(Math.min(spec.params.samples, cells.length));
      const ys = new Float32Array(xs.length / perSample);
      let n = 0;
      for (let i = 0; i < cells.length && n < ys.length; i++) {
        const c = cells[i]!;
        if (spec.encode(p, Math.floor(c / p.S), c % p.S, xs, n * perSample)) ys[n++] = p.target[c]!;
      }
      if (n < batch) throw new OperationalError(`${spec.name}: only ${n} usable training windows (needs ${batch}): store more history or symbols`);
      const model = spec.build(tf, spec.params.seed);
      const optimizer = tf.train.adam(spec.params.learningRate);
      model.compile({ optimizer, loss: 'meanSquaredError' });
      const order = Int32Array.from({ length: n }, (_, i) => i);
      const bx = alloc(batch);
      const by = new Float32Array(batch);
      const batches = Math.floor(n / batch);
      const total = batches * spec.params.epochs;
      try {
        for (let e = 0; e < spec.params.epochs; e++) {
          shuffle(order, random);
          for (let b = 0; b < batches; b++) {
            for (let k = 0; k < batch; k++) {
              const i = order[b * batch + k]!;
              bx.set(xs.subarray(i * perSample, (i + 1) * perSample), k * perSample);
              by[k] = ys[i]!;
            }
            const [x, y] = tf.tidy(() => [inputTensor(tf, bx, batch), tf.tensor2d(by, [batch, 1])]);
            try {
              await model.trainOnBatch(x!, y!);
            } finally {
              tf.dispose([x!, y!]);
            }
            onProgress?.(e * batches + b + 1, total, e + 1);
          }
        }
      } catch (err) {
        model.dispose();
        throw err;
      } finally {
        // The optimizer's moments are only needed while training (the model does not own an optimizer it
        // was given, so disposing the model would leave them behind).
        optimizer.dispose();
      }
      return model;
    },

    async score(model, p, days, out) {
      const tf = await loadTf();
      const cells = cellsOf(p, days, false);
      const buf = alloc(SCORE_CHUNK);
      const at = new Int32Array(SCORE_CHUNK);
      let n = 0;
      const flush = async (): Promise<void> => {
        if (n === 0) return;
        const y = tf.tidy(() => model.predictOnBatch(inputTensor(tf, buf, n)) as Tf.Tensor);
        const v = await y.data();
        y.dispose();
        for (let i = 0; i < n; i++) out[at[i]!] = v[i]!;
        n = 0;
      };
      for (const c of cells) {
        if (!spec.encode(p, Math.floor(c / p.S), c % p.S, buf, n * perSample)) continue;
        at[n++] = c;
        if (n === SCORE_CHUNK) await flush();
      }
      await flush();
    },

    async save(model): Promise<SequenceBody> {
      const tf = await loadTf();
      let saved: Tf.io.ModelArtifacts | undefined;
      await model.save(tf.io.withSaveHandler(async (a) => {
        saved = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }));
      const weights = saved!.weightData instanceof ArrayBuffer ? saved!.weightData : concat(saved!.weightData as ArrayBuffer[]);
      return {
        family: spec.name, input: spec.input, steps, width: spec.width,
        topology: saved!.modelTopology as object, weightSpecs: saved!.weightSpecs!, weights: Buffer.from(weights).toString('base64'),
      };
    },

    async load(body) {
      const b = body as Partial<SequenceBody> | null;
      if (!b || b.family !== spec.name || b.input !== spec.input || b.steps !== steps || b.width !== spec.width || !b.topology || !b.weights || !b.weightSpecs) {
        throw new Error(`${spec.name}: the artefact was written for another window or vocabulary`);
      }
      await ensureBackend();
      const tf = await loadTf();
      const bytes = Buffer.from(b.weights, 'base64');
      const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: b.topology, weightSpecs: b.weightSpecs, weightData }));
    },

    dispose: (model) => model.dispose(),
  };
}

/** Fisher–Yates with the given random source. */
function shuffle(a: Int32Array, random: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

function concat(parts: ArrayBuffer[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), o);
    o += p.byteLength;
  }
  return out.buffer;
}
