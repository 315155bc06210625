/** `tiller train`: evaluate every model family walk-forward beside the baseline, train each family's final
 * model on every labelled day, store it as an artefact (var/models/<kind>/v<version>.json, sha256 in the
 * registry) and let the promotion gate decide: active (the previous active one retired) or rejected (the
 * active one stays). Old artefacts are deleted, keeping the newest `keep` per kind and the active one.
 * A restarted process loads the active model from its artefact, checks the checksum, and scores exactly as
 * the process that trained it. */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MarketMatrix } from '../backtest/market-matrix.js';
import type { AlertService } from '../alerts/alert.service.js';
import type { AppConfig } from '../config.js';
import type { Clock } from '../ports/clock.port.js';
import { OperationalError } from '../domain/errors.js';
import { FEATURES } from '../market/indicators.js';
import type { ModelRecord, ModelRegistry } from '../ports/repositories.port.js';
import { BASELINE } from '../../models/baseline.js';
import { familiesFor, NETWORK_FAMILIES } from '../../models/families.js';
import { ensureBackend } from '../../models/neural/backend.js';
import { tfBackendInfo } from '../../monitoring/metrics.js';
import type { ModelFamily } from '../../models/model-families.js';
import type { Panel } from '../../models/panel.js';
import type { Evaluation } from '../../models/evaluate.js';
import { ENSEMBLE, type FoldRunner, type ModelReport, type PortfolioFigures } from '../../models/walk-forward-eval.js';
import { trainReport, WARMUP_DAYS, type PortfolioFn, type TrainReport } from '../../models/train-report.js';
import { promotionDecision } from './promotion.js';
import { SIGNAL_RULES, signalRuleKind } from '../../models/signal-rules.js';
import type { TrainProgressFn } from './training-progress.js';
import type { TradedRule } from './traded-rule.js';

/** The artefact file: the model and what it was trained on, so a reader can refuse a mismatch. The body
 * is the family's own JSON (tree ensemble, or network topology and weights). */
interface Artefact {
  format: 'tiller-model';
  formatVersion: 2;
  kind: string;
  version: number;
  horizon: number;
  features: readonly string[];
  model: unknown;
}

/** A rule's result at the promotion gate. */
export interface RuleDecision {
  name: string;
  passed: boolean;
  reason: string;
}

export interface TrainedModel {
  kind: string;
  version: number;
  /** The model as trained (what was written to the artefact); the caller disposes of it. */
  model: unknown;
  status: 'active' | 'rejected';
  reason: string;
  artefactPath: string;
}

export class ModelTrainingService {
  constructor(
    private readonly d: {
      registry: ModelRegistry;
      settings: AppConfig['models'];
      /** The live picks rule to evaluate beside the models. */
      rule?: TradedRule;
      varDir: string;
      log?: { info(o: object, msg: string): void };
      /** Where model_promoted and model_rejected alerts go. */
      alerts?: Pick<AlertService, 'raise'>;
      clock?: Clock;
      /** The backtester's top-N portfolio for the report's portfolio figures (absent: none). */
      portfolioFor?: (m: MarketMatrix) => Promise<PortfolioFn>;
    },
    private readonly families: readonly ModelFamily[] = familiesFor(d.settings),
  ) {}

  /** Choose the TensorFlow.js backend (once per process) when a network family is selected: log the
   * choice and what failed before it, and export it as a metric. */
  private async prepareBackend(): Promise<void> {
    if (!this.families.some((f) => NETWORK_FAMILIES.has(f.name))) return;
    const first = !backendLogged;
    backendLogged = true;
    const choice = await ensureBackend(this.d.settings.backend);
    tfBackendInfo.set({ backend: choice.backend }, 1);
    if (first) this.d.log?.info({ backend: choice.backend, tried: choice.tried }, `TensorFlow.js backend: ${choice.backend}${choice.tried.length ? ` (not available: ${choice.tried.map((t) => t.backend).join(', ')})` : ''}`);
  }

  /** The walk-forward evaluation of every selected family beside the baseline and the rule; nothing stored. */
  async report(m: MarketMatrix, onProgress?: TrainProgressFn, runner?: FoldRunner): Promise<TrainReport> {
    const s = this.d.settings;
    await this.prepareBackend();
    const portfolio = await this.d.portfolioFor?.(m);
    return trainReport(m, { horizon: s.horizon, trainDays: s.trainDays, testDays: s.testDays, embargo: s.embargo, topN: s.topN, rule: this.d.rule, onProgress, portfolio, runner }, this.families);
  }

  /** Evaluate, train, store and decide every family on the matrix `m`. */
  async train(m: MarketMatrix, onProgress?: TrainProgressFn, runner?: FoldRunner): Promise<{ report: TrainReport; models: TrainedModel[]; rule: RuleDecision | null; signalRules: RuleDecision[] }> {
    const s = this.d.settings;
    const report = await this.report(m, onProgress, runner);
    if (report.folds.length === 0) throw new OperationalError(`not enough stored days for one walk-forward fold (${m.days.length} days; needs about ${WARMUP_DAYS + s.trainDays + s.horizon + s.embargo + s.testDays})`);
    const models: TrainedModel[] = [];
    for (const fam of this.families) {
      const evaluation = report.models.find((r) => r.model === fam.name)!;
      const t0 = performance.now();
      const model = await fam.fit(report.panel, { from: WARMUP_DAYS, to: report.lastLabelled }, (done, total, epoch) => onProgress?.(fam.name, -1, done, total, epoch));
      const trainSeconds = evaluation.seconds + (performance.now() - t0) / 1000;
      const version = await this.d.registry.nextVersion(fam.name);
      const artefact = await this.writeArtefact({ format: 'tiller-model', formatVersion: 2, kind: fam.name, version, horizon: s.horizon, features: FEATURES, model: await fam.save(model) });
      const decision = await this.record(m, report, { kind: fam.name, version, params: { ...fam.params }, backend: await fam.backend(), trainSeconds, artefact, alert: true }, evaluation);
      models.push({ kind: fam.name, version, model, status: decision.promote ? 'active' : 'rejected', reason: decision.reason, artefactPath: artefact.file });
    }
    // The ensemble of this run's models: its artefact names the members; its weights are worked out on the
    // days it scores, from their out-of-sample record (walk-forward-eval.ts).
    const ensemble = report.models.find((r) => r.model === ENSEMBLE);
    if (ensemble && models.length > 1) {
      const version = await this.d.registry.nextVersion(ENSEMBLE);
      const members = models.map((x) => ({ kind: x.kind, version: x.version }));
      const params = { members, weighting: 'rank IC on earlier test days whose labels had ended, floored at 0' };
      const artefact = await this.writeArtefact({ format: 'tiller-model', formatVersion: 2, kind: ENSEMBLE, version, horizon: s.horizon, features: FEATURES, model: params });
      const decision = await this.record(m, report, { kind: ENSEMBLE, version, params, backend: 'combination', trainSeconds: ensemble.seconds, artefact, alert: true }, ensemble);
      models.push({ kind: ENSEMBLE, version, model: params, status: decision.promote ? 'active' : 'rejected', reason: decision.reason, artefactPath: artefact.file });
    }
    // The live rule goes through the same gate; `/status` says whether the traded rule passed it.
    const ruleEval = this.d.rule && report.models.find((r) => r.model === this.d.rule!.name);
    let rule: { name: string; passed: boolean; reason: string } | null = null;
    if (this.d.rule && ruleEval) {
      const version = await this.d.registry.nextVersion(this.d.rule.kind);
      const d = await this.record(m, report, { kind: this.d.rule.kind, version, params: { ...this.d.rule.profile }, backend: 'rule', trainSeconds: 0, artefact: null, alert: false }, ruleEval);
      rule = { name: this.d.rule.name, passed: d.promote, reason: d.reason };
    }
    // The other rule strategies too: each can trade when it passes (src/picks/strategy.ts).
    const signalRules: RuleDecision[] = [];
    for (const name of SIGNAL_RULES) {
      const kind = signalRuleKind(name);
      const evaluation = report.models.find((r) => r.model === kind);
      if (!evaluation) continue;
      const d = await this.record(m, report, { kind, version: await this.d.registry.nextVersion(kind), params: {}, backend: 'rule', trainSeconds: 0, artefact: null, alert: false }, evaluation);
      signalRules.push({ name: kind, passed: d.promote, reason: d.reason });
    }
    return { report, models, rule, signalRules };
  }

  /** Store one evaluated model (or rule) with its figures beside the baseline's, and let the gate decide. */
  private async record(
    m: MarketMatrix, report: TrainReport,
    r: { kind: string; version: number; params: Record<string, unknown>; backend: string; trainSeconds: number; artefact: { file: string; checksum: string } | null; alert: boolean },
    evaluation: ModelReport,
  ): Promise<{ promote: boolean; reason: string }> {
    const s = this.d.settings;
    const baseline = report.models.find((x) => x.model === BASELINE)!.overall;
    const rec = await this.d.registry.add({
      kind: r.kind, version: r.version, params: r.params, dataFrom: m.days[WARMUP_DAYS]!, dataTo: m.days[report.lastLabelled]!, horizon: s.horizon,
      folds: report.folds.length, metrics: { overall: flatFigures(evaluation.overall), folds: evaluation.folds.map(flatFigures) }, baseline: flatFigures(baseline),
      backend: r.backend, trainSeconds: r.trainSeconds, artefactPath: r.artefact?.file ?? '', checksum: r.artefact?.checksum ?? '',
    });
    const decision = promotionDecision(evaluation.overall, baseline, s.promotion);
    if (decision.promote) await this.d.registry.promote(rec.id, decision.reason);
    else await this.d.registry.reject(rec.id, decision.reason, r.artefact === null);
    this.d.log?.info({ kind: r.kind, version: r.version, promoted: decision.promote, reason: decision.reason }, 'model trained');
    if (r.alert) {
      const at = (this.d.clock?.now() ?? new Date()).toISOString();
      const type = decision.promote ? 'model_promoted' : 'model_rejected';
      await this.d.alerts?.raise({ type, kind: r.kind, version: r.version, reason: decision.reason, at }, `${type}:${r.kind}:${r.version}`);
    }
    await this.purge(r.kind);
    return decision;
  }

  /** The active model of a kind, read from its artefact; null when the kind has none. Throws when the file
   * is missing, altered (checksum) or of another feature layout. */
  async loadActive(kind: string): Promise<{ record: ModelRecord; model: unknown } | null> {
    const record = await this.d.registry.active(kind);
    return record ? { record, model: await this.load(record) } : null;
  }

  /** A registered model read from its artefact (checked as `loadActive` says). */
  async load(record: ModelRecord): Promise<unknown> {
    const { kind } = record;
    await this.prepareBackend();
    const bytes = await readFile(record.artefactPath).catch(() => {
      throw new OperationalError(`the artefact of ${kind} v${record.version} is missing: ${record.artefactPath}`);
    });
    if (sha256(bytes) !== record.checksum) throw new OperationalError(`the artefact of ${kind} v${record.version} does not match its checksum: ${record.artefactPath}`);
    const a = JSON.parse(bytes.toString('utf8')) as Partial<Artefact>;
    const stale = (): never => {
      throw new OperationalError(`the artefact of ${kind} v${record.version} was written for another feature layout; train again`);
    };
    if (a.format !== 'tiller-model' || a.formatVersion !== 2 || a.features?.join(',') !== FEATURES.join(',')) stale();
    if (kind === ENSEMBLE) return a.model;
    return this.family(kind).load(a.model).catch(stale);
  }

  /** Scores of every symbol on decision day `d` of the panel by a loaded model (NaN where no bar). */
  async scoreDay(kind: string, model: unknown, p: Panel, d: number): Promise<Float64Array> {
    return (await this.scoreSpan(kind, model, p, d, d)).slice(d * p.S, (d + 1) * p.S);
  }

  /** Scores of decision days [from, to] of the panel by a loaded model, day-major over the whole panel
   * (NaN outside the span and where no bar). */
  async scoreSpan(kind: string, model: unknown, p: Panel, from: number, to: number): Promise<Float64Array> {
    const out = new Float64Array(p.D * p.S).fill(Number.NaN);
    await this.family(kind).score(model, p, { from, to }, out);
    return out;
  }

  /** Release a model returned by `train` or `loadActive` (the ensemble's is plain data). */
  dispose(kind: string, model: unknown): void {
    this.families.find((f) => f.name === kind)?.dispose(model);
  }

  private family(kind: string): ModelFamily {
    const fam = this.families.find((f) => f.name === kind);
    if (!fam) throw new OperationalError(`unknown model kind ${kind}`);
    return fam;
  }

  private async writeArtefact(a: Artefact): Promise<{ file: string; checksum: string }> {
    const dir = path.join(this.d.varDir, 'models', a.kind);
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `v${a.version}.json`);
    const bytes = Buffer.from(JSON.stringify(a));
    await writeFile(file, bytes);
    return { file, checksum: sha256(bytes) };
  }

  /** Delete artefacts beyond the newest `keep` of a kind, never the active one's. */
  private async purge(kind: string): Promise<void> {
    const all = await this.d.registry.list(kind);
    for (const r of all.slice(this.d.settings.keep)) {
      if (r.status !== 'active' && r.artefactPath) await rm(r.artefactPath, { force: true });
    }
  }
}

/** Figures as stored: the portfolio's flattened beside the evaluation's. */
function flatFigures(e: Evaluation & { portfolio?: PortfolioFigures | null; fold?: number; seconds?: number }): Record<string, number | null> {
  const { portfolio, ...rest } = e;
  return { ...rest, portfolioReturn: portfolio?.totalReturn ?? null, portfolioSharpe: portfolio?.sharpe ?? null, portfolioMaxDrawdown: portfolio?.maxDrawdown ?? null };
}

let backendLogged = false;

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
