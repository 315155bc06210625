/** Model figures on the 505 S&P 500 series (read straight from ../shared/data, features by the kernel): the
 * panel, each family's training on the largest walk-forward fold (time, samples per second), scoring the whole
 * universe for one day, and the whole walk-forward run; beside a bare baseline measured in the same run: one
 * histogram pass over the same binned training rows (the unit of work a tree level repeats). */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { buildMarketMatrix } from '../src/backtest/market-matrix.js';
import { loadConfig } from '../src/config.js';
import { toBarColumns } from '../src/market/indicators.js';
import { FAMILIES } from '../models/families.js';
import { cellsOf } from '../models/model-families.js';
import { ensureBackend } from '../models/neural/backend.js';
import { trainReport } from '../models/train-report.js';
import { binRows, BINS } from '../models/trees/binned.js';
import { sp500Bars } from '../test/helpers/sp500-bars.js';
import { SP500_DIR } from '../test/helpers/tiller-process.js';

const rssMb = () => process.resourceUsage().maxRSS / 1024;

export async function benchTrain(): Promise<void> {
  const symbols = readdirSync(path.join(SP500_DIR, 'daily')).map((f) => f.replace(/\.csv$/, '')).sort();
  const t0 = performance.now();
  const bars = new Map(symbols.map((s) => [s, toBarColumns(sp500Bars(s))]));
  const m = buildMarketMatrix(bars, new Map(symbols.map((s) => [s, { symbol: s, name: s, sector: null, marketCap: null }])));
  const loadS = (performance.now() - t0) / 1000;
  const s = loadConfig({ env: {}, dotenvDir: null }).models;
  const t1 = performance.now();
  const backend = await ensureBackend();
  console.log(`TensorFlow.js backend: ${backend.backend}${backend.tried.map((t) => `; ${t.backend} unavailable (${t.error.slice(0, 60)})`).join('')}`);
  const report = await trainReport(m, { horizon: s.horizon, trainDays: s.trainDays, testDays: s.testDays, embargo: s.embargo, topN: s.topN });
  const wfS = (performance.now() - t1) / 1000;
  const p = report.panel;
  const last = report.folds.at(-1)!;
  const cells = cellsOf(p, last.train, true);
  console.log(`models on ${symbols.length} symbols x ${m.days.length} days (${loadS.toFixed(1)} s to read the CSVs and compute features)`);
  console.log(`  panel (ranked features and labels, H=${s.horizon}): ${report.seconds.panel.toFixed(1)} s`);
  console.log(`  walk-forward, ${report.folds.length} folds, every family and the baseline: ${wfS.toFixed(1)} s; peak RSS so far ${rssMb().toFixed(0)} MB`);
  // Bare baseline: bin the largest fold's training rows, then one pass summing targets per (feature, bin).
  const tb = performance.now();
  const binned = binRows(p.x, p.F, cells);
  const binS = (performance.now() - tb) / 1000;
  const sum = new Float64Array(p.F * BINS);
  const th = performance.now();
  for (let i = 0; i < binned.n; i++) {
    const y = p.target[cells[i]!]!;
    const base = i * p.F;
    for (let f = 0; f < p.F; f++) sum[f * BINS + binned.bins[base + f]!]! += y;
  }
  const histS = (performance.now() - th) / 1000;
  console.log(`  largest fold: ${cells.length.toLocaleString('en-US')} training rows x ${p.F} features; binning ${binS.toFixed(2)} s; bare histogram pass ${(histS * 1000).toFixed(0)} ms = ${Math.round(cells.length / histS).toLocaleString('en-US')} rows/s (checksum ${sum.reduce((a, b) => a + b, 0).toFixed(3)})`);
  for (const fam of FAMILIES) {
    const tf = performance.now();
    const model = await fam.fit(p, last.train);
    const fitS = (performance.now() - tf) / 1000;
    const out = new Float64Array(p.D * p.S).fill(Number.NaN);
    const ti = performance.now();
    await fam.score(model, p, { from: p.D - 1, to: p.D - 1 }, out);
    const scoreS = (performance.now() - ti) / 1000;
    fam.dispose(model);
    // Trees see every training row once per level; the networks see `samples` windows per epoch.
    const seq = fam.params as { samples?: number; epochs?: number };
    const seen = seq.samples ? Math.min(seq.samples, cells.length) * (seq.epochs ?? 1) : cells.length;
    console.log(`  ${fam.name} (${await fam.backend()}): training ${fitS.toFixed(1)} s = ${Math.round(seen / fitS).toLocaleString('en-US')} samples/s (${seen.toLocaleString('en-US')} samples); scoring the universe for one day ${(scoreS * 1000).toFixed(1)} ms (goal < 2 s); peak RSS ${rssMb().toFixed(0)} MB`);
  }
}
