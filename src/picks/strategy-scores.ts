/** The traded strategy's scores over a market matrix: the baseline's 12-1 momentum, or a registered model
 * read from its artefact. An ensemble sums its members' daily score ranks, each weighted by the member's
 * out-of-sample rank IC from its training run (floored at 0; equal weights when none is positive). */
import type { MarketMatrix } from '../backtest/market-matrix.js';
import { OperationalError } from '../domain/errors.js';
import type { TradingDay } from '../domain/types.js';
import type { ModelRecord, ModelRegistry, Repositories } from '../ports/repositories.port.js';
import type { ModelTrainingService } from '../training/model-training.service.js';
import { MOMENTUM_FAR, MOMENTUM_NEAR, momentum121, momentumScore } from '../../models/baseline.js';
import { buildPanel, SCORING_LOOKBACK, type Panel } from '../../models/panel.js';
import { combineRanks, ENSEMBLE, icWeights } from '../../models/walk-forward-eval.js';
import { signalRuleScores } from '../../models/signal-rules.js';
import type { AppConfig, StrategyName } from '../config.js';
import { resolveStrategy, type StrategySource } from './strategy.js';

/** What scoring a model needs: its artefact read and its scores computed. */
export type ModelScorer = Pick<ModelTrainingService, 'load' | 'scoreSpan' | 'dispose'>;

/** The baseline's score of every stored symbol on `day` from three closes each, on the stored day axis
 * (what `momentum121` computes over the backtester's matrix, without loading the history). */
export async function baselineScoresOn(repos: Pick<Repositories, 'candles' | 'instruments'>, day: TradingDay): Promise<Map<string, number>> {
  const symbols = (await repos.instruments.list()).map((i) => i.symbol);
  const closes = await repos.candles.closesAtLags(symbols, day, [0, MOMENTUM_NEAR, MOMENTUM_FAR]);
  const nan = (x: number | null | undefined) => x ?? Number.NaN;
  return new Map([...closes].map(([symbol, c]) => [symbol, momentumScore(nan(c[0]), nan(c[1]), nan(c[2]))]));
}

/** Scores of decision days [from, to] of `m`, day-major over the matrix (NaN elsewhere); null for the rule,
 * whose picks come from its own qualification and ranking. */
export async function strategyScores(
  source: StrategySource, m: MarketMatrix, from: number, to: number, d: { scorer: ModelScorer; registry: Pick<ModelRegistry, 'list'> },
): Promise<Float64Array | null> {
  if (source.kind === 'rule') return null;
  if (source.kind === 'baseline') return momentum121(m);
  if (source.kind === 'signal') return signalRuleScores(m, source.name);
  const { record } = source;
  const panel = panelFor(m, record.horizon, Math.max(0, from - SCORING_LOOKBACK));
  const scoreOne = async (r: ModelRecord): Promise<Float64Array> => {
    const model = await d.scorer.load(r);
    try {
      return await d.scorer.scoreSpan(r.kind, model, panel, from, to);
    } finally {
      d.scorer.dispose(r.kind, model);
    }
  };
  if (record.kind !== ENSEMBLE) return scoreOne(record);
  const members = await ensembleMembers(record, d.registry);
  const scores: Float64Array[] = [];
  for (const r of members) scores.push(await scoreOne(r));
  const out = new Float64Array(panel.D * panel.S).fill(Number.NaN);
  combineRanks(panel, scores, icWeights(members.map((r) => r.metrics.overall.ic ?? Number.NaN)), from, to, out);
  return out;
}

const panels = new WeakMap<MarketMatrix, Map<string, Panel>>();

/** The panel of a matrix from a day on, built once per matrix, horizon and first day: every model scored on
 * the same matrix (a picks run scores each kind, the ensemble its members again) shares it. */
function panelFor(m: MarketMatrix, horizon: number, firstDay: number): Panel {
  let byKey = panels.get(m);
  if (!byKey) panels.set(m, (byKey = new Map()));
  const key = `${horizon}:${firstDay}`;
  let p = byKey.get(key);
  if (!p) byKey.set(key, (p = buildPanel(m, horizon, firstDay)));
  return p;
}

/** The registry records of an ensemble's members, as its artefact names them. */
async function ensembleMembers(record: ModelRecord, registry: Pick<ModelRegistry, 'list'>): Promise<ModelRecord[]> {
  const names = (record.params.members ?? []) as Array<{ kind: string; version: number }>;
  const out: ModelRecord[] = [];
  for (const n of names) {
    const r = (await registry.list(n.kind)).find((x) => x.version === n.version);
    if (!r || !r.artefactPath) throw new OperationalError(`ensemble v${record.version} needs ${n.kind} v${n.version}, which is no longer stored: train again`);
    out.push(r);
  }
  if (out.length === 0) throw new OperationalError(`ensemble v${record.version} names no members: train again`);
  return out;
}

/** A backtest's scores for a strategy name, resolved against the registry as the live picks resolve
 * `trading.strategy` (scored from the signal day before `from` to `to`), with notes: what `gated` chose,
 * and the days a model had trained on (in sample). Null scores: the rule trades. */
export function backtestStrategyScores(
  config: Pick<AppConfig, 'trading' | 'picks' | 'models'>, d: { scorer: ModelScorer; registry: Pick<ModelRegistry, 'list' | 'active' | 'heads'> },
) {
  return async (name: string, m: MarketMatrix, from: TradingDay, to: TradingDay): Promise<{ scores: { model: string; values: Float64Array } | null; notes: string[] }> => {
    const t = await resolveStrategy({ ...config, trading: { ...config.trading, strategy: name as StrategyName } }, d.registry);
    const notes = name === 'gated' ? [`gated: ${t.name} (${t.gate === 'baseline' ? t.reason : `${t.gate} the promotion gate`})`] : [];
    if (t.source.kind === 'rule') return { scores: null, notes };
    if (t.source.kind === 'model' && from <= t.source.record.dataTo) {
      notes.push(`in sample: ${t.name} was trained on days up to ${t.source.record.dataTo}; only the days after it are out of sample`);
    }
    const first = m.days.findIndex((x) => x >= from);
    let last = m.days.length - 1;
    while (last > 0 && m.days[last]! > to) last--;
    const values = await strategyScores(t.source, m, Math.max(0, (first < 0 ? m.days.length : first) - 1), last, d);
    return { scores: { model: t.name, values: values! }, notes };
  };
}
