/** Every model family Tiller trains, in report order, and the ones a configuration selects. */
import { BOOSTED_TREES, RANDOM_FOREST, type ModelFamily } from './model-families.js';
import { KLINE_PARAMS, klineFamily } from './neural/kline.family.js';
import { LSTM_PARAMS, lstmFamily } from './neural/lstm.family.js';

/** The family names, in report order. */
export const FAMILY_NAMES = ['trees-gbt', 'trees-forest', 'lstm', 'kline'] as const;
export type FamilyName = (typeof FAMILY_NAMES)[number];

/** The families that run on TensorFlow.js (they need its backend chosen first). */
export const NETWORK_FAMILIES: ReadonlySet<string> = new Set<FamilyName>(['lstm', 'kline']);

/** What a configuration decides about the families (the `models` section). */
export interface FamilySettings {
  families: readonly FamilyName[];
  /** Training windows per fit and passes over them, for lstm and kline. */
  samples: number;
  epochs: number;
}

/** The selected families, in report order, the sequence families with the configured sample count and epochs. */
export function familiesFor(s: FamilySettings): ModelFamily[] {
  const all: Record<FamilyName, () => ModelFamily> = {
    'trees-gbt': () => BOOSTED_TREES,
    'trees-forest': () => RANDOM_FOREST,
    lstm: () => lstmFamily({ ...LSTM_PARAMS, samples: s.samples, epochs: s.epochs }),
    kline: () => klineFamily({ ...KLINE_PARAMS, samples: s.samples, epochs: s.epochs }),
  };
  return FAMILY_NAMES.filter((n) => s.families.includes(n)).map((n) => all[n]());
}

/** Every family with its default settings. */
export const FAMILIES: ModelFamily[] = familiesFor({ families: FAMILY_NAMES, samples: LSTM_PARAMS.samples, epochs: LSTM_PARAMS.epochs });
