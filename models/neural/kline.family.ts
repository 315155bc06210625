/** `kline`: K-line tokens (models/neural/sequences.ts) over 20-day windows, embedded and read by a GRU,
 * predicting the cross-sectional rank of the forward return. The embedding is a bias-free dense layer on
 * one-hot tokens: the same lookup as an Embedding layer, but its gradient is a matrix product, which the
 * wasm backend has (it lacks the kernel an Embedding layer's gradient needs). */
import { encodeTokens, VOCABULARY } from './sequences.js';
import { sequenceFamily, type SequenceParams } from './sequence-family.js';

export type KlineParams = SequenceParams & { embedding: number; units: number; vocabulary: number };

export const KLINE_PARAMS: KlineParams = {
  steps: 20, embedding: 12, units: 16, vocabulary: VOCABULARY, samples: 10_000, epochs: 2, batch: 256, learningRate: 0.003, seed: 23,
};

/** The family with the given settings (tests train smaller ones). */
export const klineFamily = (params: KlineParams = KLINE_PARAMS) => sequenceFamily({
  name: 'kline',
  params,
  input: 'tokens',
  width: VOCABULARY,
  encode: (p, d, s, out, offset) => encodeTokens(p, d, s, params.steps, out as Int32Array, offset),
  build(tf, seed) {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: params.embedding, useBias: false, inputShape: [params.steps, VOCABULARY], kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
    m.add(tf.layers.gru({ units: params.units, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }), recurrentInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }));
    m.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 3 }) }));
    return m;
  },
});

export const KLINE = klineFamily();
