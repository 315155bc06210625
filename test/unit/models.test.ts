/** The modelling core (models/): the panel never looks ahead, the folds purge overlapping labels, and the
 * tree families find a planted signal but nothing in noise, on the same folds as the 12-1 baseline. */
import { describe, expect, it } from 'vitest';
import { buildMarketMatrix, MatrixRows, type MarketMatrix } from '../../src/backtest/market-matrix.js';
import { loadConfig } from '../../src/config.js';
import { rankPicks } from '../../src/picks/momentum.strategy.js';
import { momentumRuleScores } from '../../models/rule-scores.js';
import { seededRandom } from '../../src/backtest/monte-carlo.js';
import { toBarColumns, type BarColumns } from '../../src/market/indicators.js';
import { momentum121 } from '../../models/baseline.js';
import { evaluateScores } from '../../models/evaluate.js';
import { walkForwardFolds } from '../../models/folds.js';
import { BOOSTED_TREES, RANDOM_FOREST } from '../../models/model-families.js';
import { buildPanel, crossRank, labelEnd, type Panel } from '../../models/panel.js';
import { ensembleReport, walkForwardReport } from '../../models/walk-forward-eval.js';
import { sp500Bars } from '../helpers/sp500-bars.js';

const SYMBOLS = ['AAPL', 'AMZN', 'BA', 'CAT', 'CVX', 'DIS', 'GE', 'HD', 'IBM', 'JNJ', 'JPM', 'KO', 'MCD', 'MSFT', 'PG', 'XOM'];
const matrixOf = (bars: Map<string, BarColumns>): MarketMatrix => buildMarketMatrix(bars, new Map([...bars.keys()].map((s) => [s, { symbol: s, name: s, sector: null, marketCap: null }])));

describe('evaluation', () => {
  it('measures a hand-made day: rank IC, hit rate, decile spread and top-N return', () => {
    const S = 10;
    const fwd = Float64Array.from({ length: S }, (_, s) => (s + 1) / 100);
    const p: Panel = { D: 1, S, F: 0, horizon: 0, x: new Float32Array(0), fwd, target: new Float32Array(S), live: new Uint8Array(S).fill(1), bars: { open: fwd, high: fwd, low: fwd, close: fwd, volume: fwd } };
    const right = evaluateScores(p, Float64Array.from(fwd), 0, 0, 3);
    expect(right.days).toBe(1);
    expect(right.ic).toBeCloseTo(1, 12);
    expect(right.hitRate).toBe(1); // the top decile (0.10) beats the median (0.055)
    expect(right.decileSpread).toBeCloseTo(0.10 - 0.01, 12);
    expect(right.topN).toBeCloseTo((0.08 + 0.09 + 0.10) / 3, 12);
    const wrong = evaluateScores(p, Float64Array.from(fwd, (v) => -v), 0, 0, 3);
    expect(wrong.ic).toBeCloseTo(-1, 12);
    expect(wrong.hitRate).toBe(0);
    expect(wrong.decileSpread).toBeCloseTo(0.01 - 0.10, 12);
    expect(wrong.topN).toBeCloseTo((0.01 + 0.02 + 0.03) / 3, 12);
  });
});

describe('panel and folds', () => {
  it('ranks across symbols into [-0.5, 0.5], ties sharing their mean rank, NaN left out', () => {
    const out = new Float64Array(5);
    crossRank(Float64Array.from([3, Number.NaN, 1, 3, 2]), out, new Float64Array(5));
    expect(Array.from(out)).toEqual([(2.5 / 3) - 0.5, Number.NaN, -0.5, (2.5 / 3) - 0.5, (1 / 3) - 0.5]);
  });

  it('never looks ahead: changing every bar after a decision day changes no feature up to it, and no training row of a fold tested after it', () => {
    const real = new Map(SYMBOLS.map((s) => [s, toBarColumns(sp500Bars(s).filter((c) => c.day <= '2016-12-30'))]));
    const a = matrixOf(real);
    const t = a.days.indexOf('2016-06-01');
    expect(t).toBeGreaterThan(300);
    const random = seededRandom(5);
    const changed = new Map([...real].map(([s, b]) => {
      const k = b.days.findIndex((d) => d > '2016-06-01');
      const c = { days: b.days, open: b.open.slice(), high: b.high.slice(), low: b.low.slice(), close: b.close.slice(), volume: b.volume.slice() };
      for (let i = k; i < b.days.length; i++) {
        const f = 0.5 + random();
        c.open[i]! *= f;
        c.high[i]! *= f * 1.01;
        c.low[i]! *= f * 0.99;
        c.close[i]! *= f;
        c.volume[i]! *= 3 * random();
      }
      return [s, c];
    }));
    const b = matrixOf(changed);
    const H = 10;
    const pa = buildPanel(a, H);
    const pb = buildPanel(b, H);
    const S = pa.S;
    const F = pa.F;
    expect(Array.from(pb.x.subarray(0, (t + 1) * S * F))).toEqual(Array.from(pa.x.subarray(0, (t + 1) * S * F)));
    expect(Array.from(pb.x.subarray((t + 1) * S * F, (t + 2) * S * F))).not.toEqual(Array.from(pa.x.subarray((t + 1) * S * F, (t + 2) * S * F)));
    const ma = momentum121(a);
    const mb = momentum121(b);
    expect(Array.from(mb.subarray(0, (t + 1) * S))).toEqual(Array.from(ma.subarray(0, (t + 1) * S)));
    // A fold whose test span starts right after t trains only on rows whose labels ended by t.
    const fold = walkForwardFolds({ first: 260, last: t + 30, horizon: H, trainDays: 40, testDays: 30, embargo: 0 }).find((f) => f.test.from === t + 1)
      ?? walkForwardFolds({ first: t + 1 - 40 - H - 1, last: t + 30, horizon: H, trainDays: 40, testDays: 30, embargo: 0 })[0]!;
    expect(fold.test.from).toBe(t + 1);
    expect(labelEnd(fold.train.to, H)).toBeLessThanOrEqual(t);
    const rows = (p: Panel) => Array.from(p.fwd.subarray(fold.train.from * S, (fold.train.to + 1) * S));
    expect(rows(pb)).toEqual(rows(pa));
    // ... while the first label that would have been purged does change.
    expect(Array.from(pb.fwd.subarray((fold.train.to + 1) * S, (fold.train.to + 2) * S))).not.toEqual(Array.from(pa.fwd.subarray((fold.train.to + 1) * S, (fold.train.to + 2) * S)));
  });

  it('purges training days whose label reaches into the test span, then drops the embargo', () => {
    const folds = walkForwardFolds({ first: 0, last: 399, horizon: 10, trainDays: 200, testDays: 50, embargo: 5 });
    expect(folds.length).toBeGreaterThanOrEqual(3);
    for (const f of folds) {
      expect(labelEnd(f.train.to + 5, 10)).toBe(f.test.from - 1);
      expect(f.test.to - f.test.from).toBeLessThanOrEqual(49);
    }
    expect(folds[1]!.test.from).toBe(folds[0]!.test.to + 1);
  });
});

/** A panel of random ranked features whose forward return is `signal(x)` plus noise. */
function syntheticPanel(seed: number, signal: (x: Float32Array, at: number) => number): Panel {
  const D = 360;
  const S = 120;
  const F = 12;
  const random = seededRandom(seed);
  const x = new Float32Array(D * S * F);
  for (let i = 0; i < x.length; i++) x[i] = random() - 0.5;
  const fwd = new Float64Array(D * S);
  const target = new Float32Array(D * S);
  const col = new Float64Array(S);
  const ranked = new Float64Array(S);
  for (let d = 0; d < D; d++) {
    for (let s = 0; s < S; s++) {
      const noise = (random() + random() + random() - 1.5) * 0.05;
      col[s] = signal(x, (d * S + s) * F) + noise;
      fwd[d * S + s] = col[s]!;
    }
    crossRank(col, ranked, new Float64Array(S));
    for (let s = 0; s < S; s++) target[d * S + s] = ranked[s]!;
  }
  return { D, S, F, horizon: 0, x, fwd, target, live: new Uint8Array(D * S).fill(1), bars: { open: fwd, high: fwd, low: fwd, close: fwd, volume: fwd } };
}

describe('tree families', () => {
  const folds = walkForwardFolds({ first: 0, last: 359, horizon: 0, trainDays: 180, testDays: 60, embargo: 0 });

  it('find a planted non-linear signal out of sample', async () => {
    // Feature 3 helps only in the middle of its range, feature 7 linearly: invisible to a single linear rank.
    const p = syntheticPanel(11, (x, at) => 0.03 * (Math.abs(x[at + 3]!) < 0.2 ? 1 : -0.5) + 0.02 * x[at + 7]!);
    const reports = await walkForwardReport(p, folds, {}, [BOOSTED_TREES, RANDOM_FOREST]);
    expect(reports.map((r) => r.model)).toEqual(['trees-gbt', 'trees-forest', 'ensemble']);
    for (const r of reports) {
      expect(r.overall.ic, r.model).toBeGreaterThan(0.2);
      expect(r.overall.icT, r.model).toBeGreaterThan(10);
      expect(r.overall.hitRate, r.model).toBeGreaterThan(0.6);
      expect(r.overall.decileSpread, r.model).toBeGreaterThan(0);
    }
  }, 60_000);

  it('the ensemble weights each family by its IC on test days whose labels ended before the fold: a family that is always wrong gets none', () => {
    const p = syntheticPanel(13, (x, at) => 0.02 * x[at + 7]!);
    const right = Float64Array.from(p.fwd);
    const wrong = right.map((v) => -v);
    const e = ensembleReport(p, folds, [right, wrong], 10);
    expect(e.model).toBe('ensemble');
    // Fold 1 has no history: equal weights, so the two cancel out (to rounding) and it shows no skill.
    expect(Math.abs(e.folds[0]!.ic)).toBeLessThan(0.5);
    for (const f of e.folds.slice(1)) expect(f.ic).toBeCloseTo(1, 9);
  });

  it('yield to the event loop between trees: other work (chat, jobs) runs while a fold trains', async () => {
    const p = syntheticPanel(14, () => 0);
    for (const fam of [BOOSTED_TREES, RANDOM_FOREST]) {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      await fam.fit(p, { from: 0, to: 179 });
      clearInterval(timer);
      expect(ticks, fam.name).toBeGreaterThan(5);
    }
  });

  it('find nothing in noise', async () => {
    const p = syntheticPanel(12, () => 0);
    for (const r of await walkForwardReport(p, folds, {}, [BOOSTED_TREES, RANDOM_FOREST])) {
      expect(Math.abs(r.overall.ic), r.model).toBeLessThan(0.03);
      expect(Math.abs(r.overall.icT), r.model).toBeLessThan(3);
    }
  }, 60_000);
});

describe('the live rule as scores', () => {
  it('ranks first exactly the picks the live rule makes, day after day', () => {
    const config = loadConfig({ env: {}, dotenvDir: null });
    const profile = config.picks.profiles.aggressive;
    const m = matrixOf(new Map(SYMBOLS.map((s) => [s, toBarColumns(sp500Bars(s))])));
    const scores = momentumRuleScores(m, profile);
    const rows = new MatrixRows(m);
    const S = m.symbols.length;
    let compared = 0;
    for (let d = 260; d < m.days.length; d += 7) {
      const picks = rankPicks(m.days[d]!, 'aggressive', rows.on(d), m.instruments, profile).map((x) => x.symbol);
      const byScore = m.symbols.map((sym, s) => ({ sym, v: scores[d * S + s]! })).filter((x) => x.v >= 0).sort((a, b) => b.v - a.v || a.sym.localeCompare(b.sym));
      expect(byScore.slice(0, profile.topN).map((x) => x.sym), m.days[d]).toEqual(picks);
      compared += picks.length;
    }
    expect(compared).toBeGreaterThan(200);
  });
});

describe('baseline', () => {
  it('12-1 momentum scores a persistent drift: symbols that rose keep rising', () => {
    const random = seededRandom(3);
    const days = Array.from({ length: 600 }, (_, i) => new Date(Date.UTC(2015, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
    const bars = new Map<string, BarColumns>();
    for (let s = 0; s < 40; s++) {
      const drift = (s - 20) * 0.0002;
      let px = 50;
      const candles = days.map((day) => {
        const open = px;
        px *= 1 + drift + (random() - 0.5) * 0.02;
        return { symbol: `S${s}`, day, open, high: Math.max(open, px) * 1.001, low: Math.min(open, px) * 0.999, close: px, volume: 1e6 };
      });
      bars.set(`S${s}`, toBarColumns(candles));
    }
    const m = matrixOf(bars);
    const p = buildPanel(m, 10);
    const e = evaluateScores(p, momentum121(m), 260, 580);
    expect(e.ic).toBeGreaterThan(0.3);
    const shuffled = momentum121(m).map(() => random());
    expect(Math.abs(evaluateScores(p, shuffled, 260, 580).ic)).toBeLessThan(0.05);
  });
});
