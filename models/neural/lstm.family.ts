/** `lstm`: one LSTM over 60-day windows of a symbol's normalised bars and two feature ranks, pooled
 * across symbols, predicting the cross-sectional rank of the forward return. */
import { BAR_INPUTS, encodeBars } from './sequences.js';
import { sequenceFamily, type SequenceParams } from './sequence-family.js';

export type LstmParams = SequenceParams & { units: number };

export const LSTM_PARAMS: LstmParams = { steps: 60, units: 16, samples: 10_000, epochs: 2, batch: 256, learningRate: 0.003, seed: 11 };

/** The family with the given settings (tests train smaller ones). */
export const lstmFamily = (params: LstmParams = LSTM_PARAMS) => sequenceFamily({
  name: 'lstm',
  params,
  input: 'float',
  width: BAR_INPUTS,
  encode: (p, d, s, out, offset) => encodeBars(p, d, s, params.steps, out as Float32Array, offset),
  build(tf, seed) {
    const m = tf.sequential();
    m.add(tf.layers.lstm({
      units: params.units, inputShape: [params.steps, BAR_INPUTS],
      kernelInitializer: tf.initializers.glorotUniform({ seed }), recurrentInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
    }));
    m.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }));
    return m;
  },
});

export const LSTM = lstmFamily();
