/** The TensorFlow.js families (models/neural) on the backend this machine chooses: the LSTM and the K-line
 * token model find a signal planted in the candles, out of sample; in pure noise they find nothing and the
 * promotion gate rejects them; a model written to its artefact and read back predicts exactly as trained;
 * the windows read nothing after their decision day. */
import { describe, expect, it } from 'vitest';
import { buildMarketMatrix, type MarketMatrix } from '../../src/backtest/market-matrix.js';
import { seededRandom } from '../../src/backtest/monte-carlo.js';
import { loadConfig } from '../../src/config.js';
import { toBarColumns, type BarColumns } from '../../src/market/indicators.js';
import { promotionDecision } from '../../src/training/promotion.js';
import { momentum121 } from '../../models/baseline.js';
import { evaluateScores } from '../../models/evaluate.js';
import { walkForwardFolds } from '../../models/folds.js';
import { KLINE_PARAMS, klineFamily } from '../../models/neural/kline.family.js';
import { LSTM_PARAMS, lstmFamily } from '../../models/neural/lstm.family.js';
import { BAR_INPUTS, candleToken, encodeBars, encodeTokens, VOCABULARY } from '../../models/neural/sequences.js';
import { buildPanel, SCORING_LOOKBACK } from '../../models/panel.js';
import { walkForwardReport } from '../../models/walk-forward-eval.js';

const H = 5;
const small = { samples: 3000, epochs: 3, batch: 128 };
const FAMILIES = [lstmFamily({ ...LSTM_PARAMS, ...small }), klineFamily({ ...KLINE_PARAMS, ...small })];

/** Candles of `S` symbols over `D` days. With `planted`, about one day in twelve per symbol is an event: a
 * long candle on triple volume whose direction the next ten days keep drifting in; else only noise. */
function syntheticMarket(seed: number, planted: boolean, S = 50, D = 500): MarketMatrix {
  const random = seededRandom(seed);
  const normal = () => (random() + random() + random() + random() - 2) * 1.7;
  const days = Array.from({ length: D }, (_, i) => new Date(Date.UTC(2014, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
  const bars = new Map<string, BarColumns>();
  for (let s = 0; s < S; s++) {
    let pc = 40 + 20 * random();
    let drift = 0;
    let left = 0;
    const candles = days.map((day) => {
      const event = planted && random() < 1 / 12;
      const u = random() < 0.5 ? -1 : 1;
      const open = pc * (1 + 0.002 * normal());
      let close: number;
      let volume = 1e6 * (0.8 + 0.4 * random());
      if (event) {
        close = open * (1 + u * 0.03);
        volume *= 3;
        drift = u * 0.003;
        left = 10;
      } else {
        close = open * (1 + 0.01 * normal() + (left-- > 0 ? drift : 0));
      }
      const high = Math.max(open, close) * (1 + 0.004 * Math.abs(normal()));
      const low = Math.min(open, close) * (1 - 0.004 * Math.abs(normal()));
      pc = close;
      return { symbol: `S${s}`, day, open, high, low, close, volume };
    });
    bars.set(`S${s}`, toBarColumns(candles));
  }
  return buildMarketMatrix(bars, new Map([...bars.keys()].map((s) => [s, { symbol: s, name: s, sector: null, marketCap: null }])));
}

const folds = walkForwardFolds({ first: 70, last: 500 - H - 2, horizon: H, trainDays: 200, testDays: 100, embargo: 0 }).slice(0, 2);

describe('sequence families on TensorFlow.js', () => {
  it('each finds a signal planted in the candles, out of sample', async () => {
    const m = syntheticMarket(7, true);
    const p = buildPanel(m, H);
    const reports = await walkForwardReport(p, folds, {}, FAMILIES);
    expect(reports.map((r) => r.model)).toEqual(['lstm', 'kline', 'ensemble']);
    for (const r of reports.slice(0, 2)) {
      expect(r.overall.ic, r.model).toBeGreaterThan(0.08);
      expect(r.overall.icT, r.model).toBeGreaterThan(4);
      expect(r.overall.decileSpread, r.model).toBeGreaterThan(0);
    }
  }, 240_000);

  it('find nothing in noise, and the promotion gate rejects them against the baseline', async () => {
    const m = syntheticMarket(8, false);
    const p = buildPanel(m, H);
    const first = folds[0]!.test.from;
    const last = folds.at(-1)!.test.to;
    const baseline = evaluateScores(p, momentum121(m), first, last);
    const gate = loadConfig({ env: {}, dotenvDir: null }).models.promotion;
    for (const r of await walkForwardReport(p, folds, {}, FAMILIES)) {
      if (r.model === 'ensemble') continue;
      expect(Math.abs(r.overall.ic), r.model).toBeLessThan(0.03);
      expect(Math.abs(r.overall.icT), r.model).toBeLessThan(3);
      // Noise can beat noise by luck on one figure; the gate needs both, by a margin.
      const decision = promotionDecision(r.overall, baseline, gate);
      expect(decision.promote, `${r.model}: ${decision.reason}`).toBe(false);
    }
  }, 240_000);

  it('a model written to its artefact and read back scores exactly as the model it was', async () => {
    const m = syntheticMarket(9, true, 20, 300);
    const p = buildPanel(m, H);
    for (const fam of FAMILIES) {
      const model = await fam.fit(p, { from: 70, to: 250 });
      const a = new Float64Array(p.D * p.S).fill(Number.NaN);
      await fam.score(model, p, { from: 280, to: 290 }, a);
      const body = JSON.parse(JSON.stringify(await fam.save(model))) as unknown;
      const again = await fam.load(body);
      const b = new Float64Array(p.D * p.S).fill(Number.NaN);
      await fam.score(again, p, { from: 280, to: 290 }, b);
      expect(Array.from(a.subarray(280 * p.S, 291 * p.S)).filter(Number.isFinite)).toHaveLength(11 * 20);
      expect(Array.from(b), fam.name).toEqual(Array.from(a));
      // Trained again from the same seed on the same backend: the same network.
      const twin = await fam.fit(p, { from: 70, to: 250 });
      const c = new Float64Array(p.D * p.S).fill(Number.NaN);
      await fam.score(twin, p, { from: 280, to: 290 }, c);
      expect(Array.from(c), fam.name).toEqual(Array.from(a));
      await expect(fam.load({ ...(body as object), steps: 3 })).rejects.toThrow(/another window or vocabulary/);
      // Live picks and backtests score on a panel built only from SCORING_LOOKBACK days before the span: the same scores.
      const cut = buildPanel(m, H, 280 - SCORING_LOOKBACK);
      expect(Array.from(cut.x.subarray(0, (280 - SCORING_LOOKBACK) * p.S * p.F)).every((v) => v === 0)).toBe(true);
      const d = new Float64Array(p.D * p.S).fill(Number.NaN);
      await fam.score(model, cut, { from: 280, to: 290 }, d);
      expect(Array.from(d), `${fam.name} on the cut panel`).toEqual(Array.from(a));
      for (const x of [model, again, twin]) fam.dispose(x);
    }
  }, 120_000);
});

describe('sequence inputs', () => {
  it('read nothing after the decision day: every later bar changed, the windows up to it are the same', () => {
    const a = syntheticMarket(3, true, 10, 200);
    const b = structuredClone(a);
    const t = 150;
    const S = a.symbols.length;
    const random = seededRandom(4);
    for (let i = (t + 1) * S; i < b.close.length; i++) {
      const f = 0.5 + random();
      b.open[i]! *= f;
      b.high[i]! *= f * 1.02;
      b.low[i]! *= f * 0.98;
      b.close[i]! *= f;
      b.volume[i]! *= 3 * random();
    }
    const pa = buildPanel(a, H);
    const pb = buildPanel(b, H);
    const bars = (p: typeof pa, d: number) => {
      const out = new Float32Array(S * 60 * BAR_INPUTS);
      for (let s = 0; s < S; s++) encodeBars(p, d, s, 60, out, s * 60 * BAR_INPUTS);
      return Array.from(out);
    };
    const tokens = (p: typeof pa, d: number) => {
      const out = new Int32Array(S * 20);
      for (let s = 0; s < S; s++) encodeTokens(p, d, s, 20, out, s * 20);
      return Array.from(out);
    };
    for (const d of [100, 149, t]) {
      expect(bars(pb, d)).toEqual(bars(pa, d));
      expect(tokens(pb, d)).toEqual(tokens(pa, d));
    }
    expect(bars(pb, t + 1)).not.toEqual(bars(pa, t + 1));
    expect(tokens(pb, t + 1)).not.toEqual(tokens(pa, t + 1));
  });

  it('tokenises candles into a vocabulary of a few hundred: body, wicks, gap and volume each change the token', () => {
    expect(VOCABULARY).toBe(406);
    const seen = new Set<number>();
    for (const body of [-2, -0.5, 0, 0.5, 2]) {
      for (const up of [0, 0.4, 1]) {
        for (const dn of [0, 0.4, 1]) {
          for (const gap of [-1, 0, 1]) {
            for (const vol of [0.5, 1, 2]) {
              const pc = 100;
              const o = pc + gap;
              const c = o + body;
              seen.add(candleToken(o, Math.max(o, c) + up, Math.min(o, c) - dn, c, pc, vol * 1000, 1, 1000));
            }
          }
        }
      }
    }
    expect(seen.size).toBe(405);
    expect(Math.min(...seen)).toBe(1);
    expect(Math.max(...seen)).toBe(405);
    expect(candleToken(Number.NaN, 1, 1, 1, 1, 1, 1, 1)).toBe(0);
  });
});
