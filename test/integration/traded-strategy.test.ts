/** What trades, on real PostgreSQL with real bars: by default (`trading.strategy: gated`) the baseline until
 * a model or the rule passes the promotion gate, then the best that passed; a strategy chosen in config
 * trades even when it failed, and `/status` says so. The live picks equal the top N of the strategy's
 * scores computed over the whole stored history (the backtester's view), and a backtest resolves the same
 * strategy, marking the days a model trained on as in sample. */
import { readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderResult } from '../../bots/shared/render-result.js';
import { plainMarkup } from '../../bots/shared/markup.js';
import { runBacktestToFiles } from '../../src/backtest/backtest-job.js';
import { loadConfig, type AppConfig, type StrategyName } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createApp, type App } from '../../src/main.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { buildPanel } from '../../models/panel.js';
import { FEATURE_COUNT, FEATURE_INDEX } from '../../src/market/indicators.js';
import { momentum121 } from '../../models/baseline.js';
import { signalRuleScores } from '../../models/signal-rules.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { SP500_DIR } from '../helpers/tiller-process.js';
import { UNIVERSE } from '../helpers/shared-work.js';

const viewer = { transport: 'telegram', userId: '3', chatId: '-10' };
const TRADE_DAY = '2017-06-02';
const SIGNAL_DAY = '2017-06-01';

describe('the traded strategy', () => {
  let db: TestDatabase;
  let config: AppConfig;
  const apps: App[] = [];
  const varDir = path.join('/tmp', `tiller-strategy-${process.pid}`);
  const open = async (strategy: StrategyName = 'gated', minIcGain = 0): Promise<App> => {
    const c: AppConfig = { ...config, trading: { ...config.trading, strategy }, models: { ...config.models, promotion: { minIcGain, minTopNGain: minIcGain } } };
    const app = await createApp(c, { clock: new ManualClock(new Date(`${TRADE_DAY}T12:00:00Z`)), log: createLogger('silent') });
    apps.push(app);
    return app;
  };
  const status = async (app: App) => renderResult(await app.core.handle(viewer, 'status', []), plainMarkup);
  const storedPicks = async (app: App) => (await app.repos.picks.forDay(TRADE_DAY, app.config.trading.profile)).map((p) => ({ symbol: p.symbol, model: p.model }));
  /** The top N symbols of day-major scores on the signal day, by score then symbol, among those the traded
   * profile allows (ATR 14 / close within its cap, market cap at its floor). */
  const topOf = async (app: App, scores: (m: Awaited<ReturnType<App['backtest']['load']>>) => Promise<Float64Array> | Float64Array) => {
    const m = await app.backtest.load();
    const d = m.days.indexOf(SIGNAL_DAY);
    const v = await scores(m);
    const S = m.symbols.length;
    const p = app.config.picks.profiles[app.config.trading.profile];
    const allowed = (symbol: string, s: number) => {
      const atr = m.features[(d * S + s) * FEATURE_COUNT + FEATURE_INDEX.atr14]!;
      return atr / m.close[d * S + s]! <= p.maxAtrPct && (m.instruments.get(symbol)?.marketCap ?? 0) >= p.minMarketCap;
    };
    return m.symbols.map((symbol, s) => ({ symbol, v: v[d * S + s]!, ok: allowed(symbol, s) })).filter((x) => Number.isFinite(x.v) && x.ok)
      .sort((a, b) => b.v - a.v || a.symbol.localeCompare(b.symbol)).slice(0, app.config.picks.profiles[app.config.trading.profile].topN).map((x) => x.symbol);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const base = loadConfig({ env: { DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, CONSOLE_CHAT: 'off', TILLER_VAR_DIR: varDir, TELEGRAM_BOT_TOKEN: '1:x', TELEGRAM_VIEWERS: '3' }, dotenvDir: null });
    config = {
      ...base, marketData: { ...base.marketData, universe: UNIVERSE, historyDays: 1100 },
      models: { ...base.models, trainDays: 200, testDays: 63, families: ['trees-gbt'] },
    };
    const app = await open();
    await app.handlers.pipeline(TRADE_DAY, 'test');
  }, 120_000);
  afterAll(async () => {
    for (const a of apps) await a.close().catch(() => undefined);
    await db?.drop();
  });

  it('trades the baseline until something passes the gate, and the rule when config chooses it, with /status saying it did not pass', async () => {
    const app = await open();
    expect(await status(app)).toContain('Strategy: baseline-momentum-12-1, the baseline: nothing has been trained yet (run tiller train)');
    expect(await app.handlers.picks(TRADE_DAY, 'test')).toMatchObject({ signalDay: SIGNAL_DAY, strategy: 'baseline-momentum-12-1' });
    const baselinePicks = await storedPicks(app);
    expect(baselinePicks.map((p) => p.model)).toEqual(baselinePicks.map(() => 'baseline-momentum-12-1'));
    // The live picks read 600 days of history; the backtester's matrix holds all of it: the same top N.
    expect(baselinePicks.map((p) => p.symbol)).toEqual(await topOf(app, (m) => momentum121(m)));
    expect(baselinePicks).toHaveLength(app.config.picks.profiles[app.config.trading.profile].topN);
    // Every other strategy's picks are stored beside the traded ones; a rerun replaces them byte for byte.
    const rowsOf = async () => (await app.db.pool.query("select day::text, profile, strategy, symbol, rank, score, confidence, entry, target, stop_loss, model, rationale, traded, risk_score, recommendation, sector, snapshot::text from picks where day = $1 order by 1, 2, 3, 4", [TRADE_DAY])).rows;
    const first = await rowsOf();
    // Each strategy with a qualifying symbol that day (a breakout may have none): the traded one first.
    const picked = [...new Set(first.map((r) => r.strategy as string))].sort();
    expect(picked).toEqual(expect.arrayContaining(['baseline', 'ma-crossover']));
    expect(picked.every((x) => ['baseline', 'breakout', 'ma-crossover', 'mean-reversion', 'momentum-trend'].includes(x))).toBe(true);
    expect(await app.repos.picks.strategiesOn(TRADE_DAY)).toEqual(['baseline', ...picked.filter((x) => x !== 'baseline')]);
    expect(first.filter((r) => r.traded).every((r) => r.strategy === 'baseline')).toBe(true);
    await app.handlers.picks(TRADE_DAY, 'test');
    expect(await rowsOf()).toEqual(first);
    // The day's picks, every strategy and profile, as CSV under var/exports/picks (replaced by the rerun).
    const csvLines = readFileSync(path.join(varDir, 'exports', 'picks', `${TRADE_DAY}.csv`), 'utf8').trim().split('\n');
    expect(csvLines[0]).toBe('day,profile,strategy,traded,rank,symbol,sector,score,confidence,risk_score,recommendation,entry,target,stop_loss,model,rationale');
    const csvKeys = csvLines.slice(1).map((l) => l.split(',').slice(0, 6).join(',')).sort();
    expect(csvKeys).toEqual(first.map((r) => [r.day, r.profile, r.strategy, r.traded, r.rank, r.symbol].join(',')).sort());
    // /picks shows another strategy's picks on request, filtered and cut; a word it does not know is refused.
    const crossover = await app.core.handle(viewer, 'picks', ['ma-crossover', 'aggressive', '2']);
    expect(crossover).toMatchObject({ kind: 'picks', strategy: 'ma-crossover', traded: false, byProfile: { conservative: [] } });
    const shown = (crossover as { byProfile: Record<string, Array<{ symbol: string }>> }).byProfile.aggressive!.map((p) => p.symbol);
    expect(shown).toEqual(first.filter((r) => r.strategy === 'ma-crossover' && r.profile === 'aggressive').sort((x, y) => x.rank - y.rank).slice(0, 2).map((r) => r.symbol));
    expect(renderResult(crossover, plainMarkup)).toContain(`Picks for ${TRADE_DAY} by ma-crossover (not traded)`);
    expect(renderResult(await app.core.handle(viewer, 'picks', []), plainMarkup)).toContain(`Picks for ${TRADE_DAY} by baseline (traded)`);
    expect(await app.core.handle(viewer, 'picks', ['moonshot'])).toMatchObject({ kind: 'error', message: expect.stringContaining('"moonshot" is not a profile (conservative, aggressive), a strategy (baseline, momentum-trend, ma-crossover') });

    // A gate nothing passes: still the baseline, now saying that nothing passed.
    const strict = await open('gated', 1);
    const rejected = await strict.trainingFor(strict.config).train(await strict.backtest.load());
    for (const x of rejected.models) strict.trainingFor(strict.config).dispose(x.kind, x.model);
    expect((await app.repos.models.list()).filter((r) => r.status === 'active').map((r) => r.kind)).toEqual([]);
    expect(await status(app)).toContain('Strategy: baseline-momentum-12-1, the baseline: no model and not the rule passed the promotion gate');

    // The rule chosen in config trades although it failed; /status warns with the gate's figures.
    const ruled = await open('momentum-trend');
    expect(await status(ruled)).toMatch(/⚠️ Strategy: momentum-trend-v1 \(chosen in config: trading.strategy momentum-trend\) did NOT pass the promotion gate on \d{4}-\d\d-\d\d: .*did not beat the baseline/);
    await ruled.handlers.picks(TRADE_DAY, 'test');
    const rulePicks = await storedPicks(ruled);
    expect(rulePicks.length).toBeGreaterThan(0);
    expect(rulePicks.every((p) => p.model === 'momentum-trend-v1')).toBe(true);

    // A model chosen in config that was never trained: the picks job fails with what to do; /status says it.
    const lstm = await open('lstm');
    await expect(lstm.handlers.picks(TRADE_DAY, 'test')).rejects.toThrow(/trading.strategy is lstm, which has never been trained: run tiller train/);
    expect(await status(lstm)).toContain('⚠️ Strategy: lstm (chosen in config: trading.strategy lstm) did NOT pass the promotion gate: trading.strategy is lstm, which has never been trained');
  }, 240_000);

  it('trades the best model that passed the gate, its picks the top N of its scores, and a backtest of it says which days are in sample', async () => {
    const app = await open('gated', -1);
    const trained = await app.trainingFor(app.config).train(await app.backtest.load());
    for (const x of trained.models) app.trainingFor(app.config).dispose(x.kind, x.model);
    const gbt = (await app.repos.models.active('trees-gbt'))!;
    // Every rule and the model passed the (negative) margin: gated takes the best out-of-sample rank IC.
    const kinds = ['trees-gbt', 'rule-momentum-trend-v1-conservative', 'rule-ma-crossover', 'rule-mean-reversion', 'rule-breakout'];
    const passed = await Promise.all(kinds.map(async (k) => (await app.repos.models.list(k))[0]!));
    expect(passed.map((r) => r.status)).toEqual(kinds.map(() => 'active'));
    const best = [...passed].sort((a, b) => b.metrics.overall.ic! - a.metrics.overall.ic!)[0]!;
    const expected = best.kind === 'trees-gbt' ? `trees-gbt-v${gbt.version}` : best.kind === 'rule-momentum-trend-v1-conservative' ? 'momentum-trend-v1' : best.kind.slice('rule-'.length);
    expect(await status(app)).toContain(`Strategy: ${expected}, passed the promotion gate on `);

    // A rule strategy's picks: the top N of its scores on the signal day, from the stored features.
    const crossover = await open('ma-crossover');
    expect(await crossover.handlers.picks(TRADE_DAY, 'test')).toMatchObject({ strategy: 'ma-crossover' });
    const crossoverPicks = await storedPicks(crossover);
    expect(crossoverPicks.length).toBeGreaterThan(0);
    expect(crossoverPicks.map((p) => p.symbol)).toEqual(await topOf(crossover, (m) => signalRuleScores(m, 'ma-crossover')));
    expect(await status(crossover)).toContain('Strategy: ma-crossover (chosen in config: trading.strategy ma-crossover), passed the promotion gate on ');
    // A shadow strategy that cannot pick (its artefact is gone) is reported and skipped; the traded one picks.
    renameSync(gbt.artefactPath, `${gbt.artefactPath}.away`);
    try {
      expect(await crossover.handlers.picks(TRADE_DAY, 'test')).toMatchObject({
        strategy: 'ma-crossover', failed: [{ strategy: 'trees-gbt', error: expect.stringContaining(`the artefact of trees-gbt v${gbt.version} is missing`) }],
      });
      expect((await storedPicks(crossover)).map((p) => p.symbol)).toEqual(crossoverPicks.map((p) => p.symbol));
      expect(await crossover.repos.picks.query(TRADE_DAY, { strategy: 'trees-gbt' })).toEqual([]);
    } finally {
      renameSync(`${gbt.artefactPath}.away`, gbt.artefactPath);
    }
    // Pin the model whatever the figures said, so the model path is always exercised.
    const chosen = await open('trees-gbt');
    expect(await chosen.handlers.picks(TRADE_DAY, 'test')).toMatchObject({ strategy: `trees-gbt-v${gbt.version}` });
    const picks = await storedPicks(chosen);
    expect(picks.every((p) => p.model === `trees-gbt-v${gbt.version}`)).toBe(true);
    const training = chosen.trainingFor(chosen.config);
    const model = await training.load(gbt);
    try {
      expect(picks.map((p) => p.symbol)).toEqual(await topOf(chosen, (m) => {
        const d = m.days.indexOf(SIGNAL_DAY);
        return training.scoreSpan('trees-gbt', model, buildPanel(m, gbt.horizon), d, d);
      }));
    } finally {
      training.dispose('trees-gbt', model);
    }

    // A backtest of the model resolves it from the registry and says which days it had trained on.
    const limits = (await chosen.limits.current()).limits;
    const bt = await runBacktestToFiles(chosen.backtest, chosen.config, limits, { from: '2017-03-01', to: '2017-05-31', out: path.join(varDir, 'bt') }, { now: new Date(), strategyScores: chosen.strategyScores });
    expect(bt.result.options.strategy).toBe(`trees-gbt-v${gbt.version}`);
    expect(bt.result.notes.join('\n')).toContain(`in sample: trees-gbt-v${gbt.version} was trained on days up to ${gbt.dataTo}`);
    expect(bt.result.run.orders.filter((o) => o.reason === 'entry').length).toBeGreaterThan(0);
    await expect(runBacktestToFiles(chosen.backtest, chosen.config, limits, { from: '2017-03-01', to: '2017-05-31', strategy: 'trees-gbt', walkForward: { trainMonths: 12, testMonths: 6 } }, { now: new Date(), strategyScores: chosen.strategyScores }))
      .rejects.toThrow(/--walk-forward tunes the momentum-trend rule's stops and targets/);
  }, 240_000);
});
