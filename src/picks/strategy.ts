/** What trades: `trading.strategy` resolved against the model registry.
 *
 * - `gated` (the default): of the models and the rule whose latest `tiller train` passed the promotion gate
 *   (the active one of each kind), the one with the best out-of-sample rank IC; when none passed, the
 *   baseline (12-1 momentum), which every candidate had to beat.
 * - `baseline`, `momentum-trend` (the rule) or a model kind: that one, whatever the gate said; `/status`
 *   then says when it did not pass. A model kind trades its active version, else its newest trained one. */
import type { AppConfig, StrategyName } from '../config.js';
import { OperationalError } from '../domain/errors.js';
import type { ModelRecord, ModelRegistry } from '../ports/repositories.port.js';
import { BASELINE } from '../../models/baseline.js';
import { ENSEMBLE } from '../../models/walk-forward-eval.js';
import { tradedRule } from '../training/traded-rule.js';
import { MODEL_NAME } from './momentum.strategy.js';
import { isSignalRule, SIGNAL_RULES, signalRuleKind, type SignalRuleName } from '../../models/signal-rules.js';

/** Where the traded picks come from. */
export type StrategySource = { kind: 'rule' } | { kind: 'signal'; name: SignalRuleName } | { kind: 'baseline' } | { kind: 'model'; record: ModelRecord };

/** The strategy a configuration trades today, and where it stands at the promotion gate. */
export interface TradedStrategy {
  /** `trading.strategy` as configured. */
  configured: StrategyName;
  source: StrategySource;
  /** The name written on its picks (`model` column) and shown in chat. */
  name: string;
  /** passed/failed: its latest evaluation; baseline: the reference itself, traded because nothing passed
   * (`gated`) or because it was chosen; not evaluated: never trained or evaluated. */
  gate: 'passed' | 'failed' | 'baseline' | 'not evaluated';
  /** The gate's reason (figures), or why the baseline trades. */
  reason: string | null;
  evaluatedAt: Date | null;
}

/** The model kinds a strategy may name, besides `gated`, `baseline` and the rule. */
export const RULE_STRATEGY = 'momentum-trend';

/** The model kinds a configuration trains: its families, and their ensemble when there are several. */
export const modelKinds = (models: Pick<AppConfig['models'], 'families'>): string[] =>
  [...models.families, ...(models.families.length > 1 ? [ENSEMBLE] : [])];

/** The picks' model name of a registry record. */
export const modelName = (r: Pick<ModelRecord, 'kind' | 'version'>): string => `${r.kind}-v${r.version}`;

/** A strategy's name as `trading.strategy` names it (the key of its picks). */
export function strategyKey(source: StrategySource): string {
  switch (source.kind) {
    case 'rule': return RULE_STRATEGY;
    case 'baseline': return 'baseline';
    case 'signal': return source.name;
    case 'model': return source.record.kind;
  }
}

/** The name written on a strategy's picks (`model`) and shown in chat: the rule's version, the baseline's
 * name, or the model's kind and version. */
export function sourceName(source: StrategySource): string {
  switch (source.kind) {
    case 'rule': return MODEL_NAME;
    case 'baseline': return BASELINE;
    case 'signal': return source.name;
    case 'model': return modelName(source.record);
  }
}

const overallIc = (r: ModelRecord): number => {
  const ic = r.metrics.overall.ic;
  return ic == null || !Number.isFinite(ic) ? Number.NEGATIVE_INFINITY : ic;
};

/** Resolve `trading.strategy` against the registry. Throws an OperationalError when a chosen model kind has
 * never been trained. */
export async function resolveStrategy(c: Pick<AppConfig, 'trading' | 'picks' | 'models'>, registry: Pick<ModelRegistry, 'active' | 'list' | 'heads'>): Promise<TradedStrategy> {
  const configured = c.trading.strategy;
  const rule = tradedRule(c);
  // A rule has no artefact: its latest evaluation is what counts.
  const ruleSide = async (kind: string, source: StrategySource): Promise<TradedStrategy> => {
    const latest = (await registry.heads([kind])).get(kind)?.latest;
    return {
      configured, source, name: sourceName(source),
      gate: !latest ? 'not evaluated' : latest.status === 'active' ? 'passed' : 'failed', reason: latest?.reason ?? null, evaluatedAt: latest?.createdAt ?? null,
    };
  };
  const momentumRule = () => ruleSide(rule.kind, { kind: 'rule' });
  const signalRule = (name: SignalRuleName) => ruleSide(signalRuleKind(name), { kind: 'signal', name });
  const ofModel = (r: ModelRecord): TradedStrategy => ({
    configured, source: { kind: 'model', record: r }, name: modelName(r),
    gate: r.status === 'active' ? 'passed' : 'failed', reason: r.reason, evaluatedAt: r.createdAt,
  });
  if (configured === RULE_STRATEGY) return momentumRule();
  if (isSignalRule(configured)) return signalRule(configured);
  if (configured === 'baseline') {
    return { configured, source: { kind: 'baseline' }, name: BASELINE, gate: 'baseline', reason: 'chosen in config (trading.strategy: baseline)', evaluatedAt: null };
  }
  if (configured !== 'gated') {
    const r = (await registry.active(configured)) ?? (await registry.list(configured)).find((x) => x.artefactPath !== '');
    if (!r) throw new OperationalError(`trading.strategy is ${configured}, which has never been trained: run tiller train, or choose gated, baseline or ${RULE_STRATEGY}`);
    return ofModel(r);
  }
  // gated: the best candidate that passed. A model trades its active version (what later versions did does
  // not change that artefact); the rule has no artefact, so only its latest evaluation counts.
  const kinds = modelKinds(c.models);
  const ruleKinds = [rule.kind, ...SIGNAL_RULES.map(signalRuleKind)];
  const heads = await registry.heads([...ruleKinds, ...kinds]);
  const active = [
    ...ruleKinds.map((k) => heads.get(k)?.latest).filter((r): r is ModelRecord => r?.status === 'active'),
    ...kinds.map((k) => heads.get(k)?.active ?? null).filter((r): r is ModelRecord => r !== null),
  ];
  const best = active.reduce<ModelRecord | null>((b, r) => (b === null || overallIc(r) > overallIc(b) ? r : b), null);
  if (best?.kind === rule.kind) return momentumRule();
  const signal = SIGNAL_RULES.find((n) => best?.kind === signalRuleKind(n));
  if (signal) return signalRule(signal);
  if (best) return ofModel(best);
  const evaluated = heads.size > 0;
  return {
    configured, source: { kind: 'baseline' }, name: BASELINE, gate: 'baseline', evaluatedAt: null,
    reason: evaluated
      ? 'no model and not the rule passed the promotion gate, so Tiller trades the baseline they had to beat'
      : 'nothing has been trained yet (run tiller train), so Tiller trades the baseline every model must beat',
  };
}
