/** The model registry on real PostgreSQL with real bars: `train` stores each family's model with its
 * walk-forward figures beside the baseline's and an artefact with its checksum; the gate promotes or rejects
 * (the active model stays); a restarted process loads the active model and scores exactly as before; a
 * tampered artefact is refused; old artefacts are deleted. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPanel } from '../../models/panel.js';
import { renderResult } from '../../bots/shared/render-result.js';
import { renderAlert } from '../../bots/shared/render-alert.js';
import { plainMarkup } from '../../bots/shared/markup.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createApp, type App } from '../../src/main.js';
import { registry } from '../../monitoring/metrics.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { SP500_DIR } from '../helpers/tiller-process.js';

const viewer = { transport: 'telegram', userId: '3', chatId: '-10' };
const UNIVERSE = ['AAPL', 'AMZN', 'BA', 'CAT', 'CVX', 'DIS', 'GE', 'HD', 'IBM', 'JNJ', 'JPM', 'KO', 'MCD', 'MMM', 'MRK', 'MSFT', 'NKE', 'PFE', 'PG', 'UNH', 'WMT', 'XOM'];

describe('model registry, promotion and restart', () => {
  let db: TestDatabase;
  let config: AppConfig;
  let app: App;
  const varDir = path.join('/tmp', `tiller-models-${process.pid}`);
  const open = () => createApp(config, { clock: new ManualClock(new Date('2017-06-01T22:00:00Z')), log: createLogger('silent') });
  const withMargins = (minIcGain: number, keep = 3): AppConfig => ({ ...config, models: { ...config.models, keep, promotion: { minIcGain, minTopNGain: minIcGain } } });

  beforeAll(async () => {
    db = await createTestDatabase();
    const base = loadConfig({ env: { DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, CONSOLE_CHAT: 'off', TILLER_VAR_DIR: varDir, TELEGRAM_BOT_TOKEN: '1:x', TELEGRAM_VIEWERS: '3' }, dotenvDir: null });
    config = {
      ...base, marketData: { ...base.marketData, universe: UNIVERSE, historyDays: 1100 },
      // kline with few samples stands for the TensorFlow.js families (their own test trains them properly).
      models: { ...base.models, trainDays: 200, testDays: 63, families: ['trees-gbt', 'trees-forest', 'kline'], samples: 512, epochs: 1 },
    };
    app = await open();
    await app.handlers.pipeline('2017-06-01', 'test');
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('promotes what beats the baseline, rejects what does not (the active model stays), and a restart scores exactly as before', async () => {
    const m = await app.backtest.load();
    const first = await app.trainingFor(withMargins(-1)).train(m);
    expect(first.models.map((x) => [x.kind, x.version, x.status])).toEqual([['trees-gbt', 1, 'active'], ['trees-forest', 1, 'active'], ['kline', 1, 'active'], ['ensemble', 1, 'active']]);
    // The ensemble's artefact names its members; the traded rule's evaluation is recorded too, and /status
    // says it passed the (here negative) margin.
    const [ens] = await app.repos.models.list('ensemble');
    expect(JSON.parse(readFileSync(ens!.artefactPath, 'utf8')).model.members).toEqual([{ kind: 'trees-gbt', version: 1 }, { kind: 'trees-forest', version: 1 }, { kind: 'kline', version: 1 }]);
    const [rule] = await app.repos.models.list('rule-momentum-trend-v1-conservative');
    expect(rule).toMatchObject({ version: 1, status: 'active', backend: 'rule', artefactPath: '' });
    // Everything passed the (here negative) margin: the default `gated` trades the best out-of-sample rank IC.
    const actives = (await app.repos.models.list()).filter((r) => r.status === 'active').sort((a, b) => b.metrics.overall.ic! - a.metrics.overall.ic!);
    const nameOf = (kind: string) => (kind === rule!.kind ? 'momentum-trend-v1' : kind.startsWith('rule-') ? kind.slice(5) : `${kind}-v1`);
    const best = nameOf(actives[0]!.kind);
    expect(renderResult(await app.core.handle(viewer, 'status', []), plainMarkup)).toContain(`Strategy: ${best}, passed the promotion gate on `);
    expect(first.report.folds.length).toBeGreaterThanOrEqual(2);
    const [gbt] = await app.repos.models.list('trees-gbt');
    expect(gbt).toMatchObject({ kind: 'trees-gbt', version: 1, status: 'active', horizon: 10, backend: 'js-typed-arrays', folds: first.report.folds.length });
    expect(gbt!.reason).toMatch(/^beat the baseline out of sample: rank IC /);
    expect(gbt!.metrics.overall.ic).toBe(first.report.models.find((r) => r.model === 'trees-gbt')!.overall.ic);
    expect(gbt!.baseline.ic).toBe(first.report.models.find((r) => r.model === 'baseline-momentum-12-1')!.overall.ic);
    expect(existsSync(gbt!.artefactPath)).toBe(true);
    expect(gbt!.checksum).toMatch(/^[0-9a-f]{64}$/);
    // The network family records the TensorFlow.js backend it ran on, which /metrics names too.
    const [kline] = await app.repos.models.list('kline');
    expect(kline!.backend).toMatch(/^(tensorflow|wasm|cpu)$/);
    expect(await registry.metrics()).toContain(`tiller_tfjs_backend_info{backend="${kline!.backend}"} 1`);

    // The top-N portfolio figures are the backtester trading the out-of-sample scores by the live rules, a
    // fresh account per fold (every entry one of the previous day's N best scores), the folds chained.
    const evaluated = first.report.models.find((r) => r.model === 'trees-gbt')!;
    const fold = first.report.folds[1]!;
    expect(gbt!.metrics.overall.portfolioReturn).toBe(evaluated.overall.portfolio!.totalReturn);
    expect(gbt!.metrics.folds[1]!.portfolioReturn).toBe(evaluated.folds[1]!.portfolio!.totalReturn);
    const chained = evaluated.folds.reduce((x, f) => x * (1 + f.portfolio!.totalReturn), 1) - 1;
    expect(evaluated.overall.portfolio!.totalReturn).toBeCloseTo(chained, 9);
    const limits = (await app.limits.current()).limits;
    const direct = app.backtest.run(m, { from: m.days[fold.test.from + 1]!, to: m.days[fold.test.to + 1]!, profile: config.trading.profile, scores: { model: 'trees-gbt', values: evaluated.scores } }, limits);
    expect(direct.metrics.totalReturn).toBe(evaluated.folds[1]!.portfolio!.totalReturn);
    expect(direct.metrics.sharpe).toBe(evaluated.folds[1]!.portfolio!.sharpe);
    const entries = direct.run.orders.filter((o) => o.reason === 'entry');
    expect(entries.length).toBeGreaterThan(3);
    const topN = config.picks.profiles[config.trading.profile].topN;
    const S = m.symbols.length;
    for (const o of entries) {
      const d = m.days.indexOf(o.day) - 1;
      const best = m.symbols.map((sym, s) => ({ sym, v: evaluated.scores[d * S + s]! })).filter((x) => Number.isFinite(x.v)).sort((a, b) => b.v - a.v || a.sym.localeCompare(b.sym)).slice(0, topN).map((x) => x.sym);
      expect(best, o.day).toContain(o.symbol);
    }
    expect(first.report.models.every((r) => r.folds.every((f) => f.portfolio && Number.isFinite(f.portfolio.totalReturn)))).toBe(true);

    // Scores of the last day from the model as trained, before a restart.
    const panel = buildPanel(m, config.models.horizon);
    const day = m.days.length - 1;
    const before = await app.trainingFor(config).scoreDay('trees-gbt', first.models[0]!.model, panel, day);
    expect(Array.from(before).filter((v) => Number.isFinite(v)).length).toBe(UNIVERSE.length);
    const klineBefore = await app.trainingFor(config).scoreDay('kline', first.models[2]!.model, panel, day);
    expect(Array.from(klineBefore).filter((v) => Number.isFinite(v)).length).toBe(UNIVERSE.length);

    // A gate nothing passes: the new versions are rejected with the reason, v1 stays active.
    const second = await app.trainingFor(withMargins(1)).train(m);
    expect(second.models.map((x) => [x.version, x.status])).toEqual([[2, 'rejected'], [2, 'rejected'], [2, 'rejected'], [2, 'rejected']]);
    // The v1 models stay active and may still trade; the rules' latest evaluations failed, so they may not.
    const bestModel = actives.find((r) => !r.kind.startsWith('rule-'))!;
    expect(renderResult(await app.core.handle(viewer, 'status', []), plainMarkup)).toContain(`Strategy: ${bestModel.kind}-v1, passed the promotion gate on `);
    expect(second.rule).toMatchObject({ passed: false, reason: expect.stringMatching(/rank IC and top-N return did not beat the baseline by the margin/) });
    expect(second.models[0]!.reason).toMatch(/rank IC and top-N return did not beat the baseline by the margin/);
    // Each decision is alerted once, with its reason.
    const alerts = await app.db.db.selectFrom('alert_outbox').select(['type', 'dedupe_key', 'payload']).where('type', 'in', ['model_promoted', 'model_rejected']).orderBy('id').execute();
    expect(alerts.map((a) => a.dedupe_key)).toEqual([
      'model_promoted:trees-gbt:1', 'model_promoted:trees-forest:1', 'model_promoted:kline:1', 'model_promoted:ensemble:1',
      'model_rejected:trees-gbt:2', 'model_rejected:trees-forest:2', 'model_rejected:kline:2', 'model_rejected:ensemble:2',
    ]);
    expect(alerts[4]!.payload).toMatchObject({ kind: 'trees-gbt', version: 2, reason: second.models[0]!.reason });
    expect(renderAlert(alerts[4]!.payload as never, plainMarkup, 'USD')).toBe(`🧠 Model rejected: trees-gbt v2; the active model stays: ${second.models[0]!.reason}`);
    expect((await app.repos.models.active('trees-gbt'))!.version).toBe(1);

    await app.close();
    app = await open();
    const loaded = await app.trainingFor(config).loadActive('trees-gbt');
    expect(loaded!.record.version).toBe(1);
    const reloaded = buildPanel(await app.backtest.load(), config.models.horizon);
    const after = await app.trainingFor(config).scoreDay('trees-gbt', loaded!.model, reloaded, day);
    expect(Array.from(after)).toEqual(Array.from(before));
    const klineLoaded = await app.trainingFor(config).loadActive('kline');
    expect(Array.from(await app.trainingFor(config).scoreDay('kline', klineLoaded!.model, reloaded, day))).toEqual(Array.from(klineBefore));

    // From chat: the active model of each kind beside the baseline; one kind's versions and folds.
    const list = await app.core.handle(viewer, 'models', []);
    expect(list).toMatchObject({ kind: 'models', models: [
      { kind: 'ensemble', version: 1, status: 'active' }, { kind: 'kline', version: 1, status: 'active' },
      // A rule has no artefact: its latest evaluation (v2, rejected) is its standing, and v1 was retired.
      { kind: 'rule-breakout', version: 2, status: 'rejected' }, { kind: 'rule-ma-crossover', version: 2, status: 'rejected' }, { kind: 'rule-mean-reversion', version: 2, status: 'rejected' },
      { kind: 'rule-momentum-trend-v1-conservative', version: 2, status: 'rejected' }, { kind: 'trees-forest', version: 1, status: 'active' }, { kind: 'trees-gbt', version: 1, status: 'active' },
    ] });
    const text = renderResult(list, plainMarkup);
    expect(text).toContain(`trees-gbt v1 active: rank IC ${gbt!.metrics.overall.ic!.toFixed(3)}`);
    expect(text).toContain(`vs baseline ${gbt!.baseline.ic!.toFixed(3)}`);
    const one = await app.core.handle(viewer, 'model', ['trees-gbt']);
    expect(one).toMatchObject({ kind: 'model', versions: [{ version: 2, status: 'rejected' }, { version: 1, status: 'active' }] });
    const detail = renderResult(one, plainMarkup);
    expect(detail).toContain('trees-gbt v2 rejected');
    expect(detail).toContain('did not beat the baseline');
    expect(detail.match(/^fold \d+: IC/gm)).toHaveLength(first.report.folds.length);
    expect(await app.core.handle(viewer, 'model', ['lstm'])).toEqual({ kind: 'error', message: 'no model of kind "lstm"; kinds: ensemble, kline, rule-breakout, rule-ma-crossover, rule-mean-reversion, rule-momentum-trend-v1-conservative, trees-forest, trees-gbt' });
  }, 180_000);

  it('keeps the newest artefacts and the active one, and refuses an artefact that was altered', async () => {
    const m = await app.backtest.load();
    await app.trainingFor(withMargins(1, 1)).train(m); // v3, rejected; keep 1: v2 goes, v1 (active) stays
    const files = (await app.repos.models.list('trees-forest')).map((r) => [r.version, r.status, existsSync(r.artefactPath)]);
    expect(files).toEqual([[3, 'rejected', true], [2, 'rejected', false], [1, 'active', true]]);

    const active = (await app.repos.models.active('trees-forest'))!;
    writeFileSync(active.artefactPath, readFileSync(active.artefactPath, 'utf8').replace('"base":0', '"base":1'));
    await expect(app.trainingFor(config).loadActive('trees-forest')).rejects.toThrow(/does not match its checksum/);
    expect(await app.trainingFor(config).loadActive('lstm')).toBeNull();
  }, 120_000);

  it('the scheduled train job does the same through the job runner, on a Saturday, with the configured gate', async () => {
    const out = await app.handlers.train('2017-06-03', 'test') as { folds: number; models: Array<{ kind: string; version: number; status: string; reason: string }> };
    expect(out.folds).toBeGreaterThanOrEqual(2);
    expect(out.models.map((x) => [x.kind, x.version])).toEqual([['trees-gbt', 4], ['trees-forest', 4], ['kline', 4], ['ensemble', 4]]);
    const gbt = (await app.repos.models.list('trees-gbt'))[0]!;
    expect([gbt.version, gbt.status, gbt.reason]).toEqual([4, out.models[0]!.status, out.models[0]!.reason]);
    expect(config.schedule.train).toBe('0 6 * * 6');
  }, 120_000);
});
