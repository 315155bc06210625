/** Feature computation speed over every S&P 500 series: the kernel (full pass and the daily step), the bare
 * Float64Array baseline computing the same features, and technicalindicators (the test oracle). Each is
 * timed in the same run, best of several rounds, after a warm-up round. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { computeFeatures, FEATURE_COUNT, toBarColumns, type BarColumns } from '../src/market/indicators.js';
import { stepFeatures } from '../src/market/features/feature-kernel.js';
import { referenceIndicators } from '../test/helpers/reference-indicators.js';
import { sp500Bars } from '../test/helpers/sp500-bars.js';
import { SP500_DIR } from '../test/helpers/tiller-process.js';
import { baselineFeatures } from './feature-baseline.js';
import { buildMarketMatrix } from '../src/backtest/market-matrix.js';
import { marketCaps, scanQualifiers } from '../src/backtest/signal-scan.js';
import { loadConfig } from '../src/config.js';

function best(rounds: number, f: () => void): number {
  f();
  let min = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    f();
    min = Math.min(min, performance.now() - t0);
  }
  return min / 1000;
}

export function benchFeatures(): void {
  const symbols = readdirSync(path.join(SP500_DIR, 'daily')).map((f) => f.replace(/\.csv$/, '')).sort();
  const candles = symbols.map(sp500Bars);
  const cols: BarColumns[] = candles.map(toBarColumns);
  const bars = cols.reduce((a, c) => a + c.days.length, 0);
  const kernel = best(5, () => { for (const c of cols) computeFeatures('X', c); });
  const base = best(5, () => { for (const c of cols) baselineFeatures(c); });
  // The daily step: one bar per symbol from a kept state, as the pipeline does each day.
  const states = cols.map((c) => computeFeatures('X', c).state);
  const row = new Float64Array(FEATURE_COUNT);
  const step = best(5, () => {
    for (let k = 0; k < cols.length; k++) {
      const c = cols[k]!, i = c.days.length - 1, st = states[k]!.slice();
      stepFeatures(st, c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!, row, 0, 1);
    }
  });
  const ref = best(1, () => { for (const c of candles.slice(0, 50)) referenceIndicators(c); });
  const refBars = candles.slice(0, 50).reduce((a, c) => a + c.length, 0);
  const rate = (n: number, s: number) => `${(n / s / 1e6).toFixed(2)} M bars/s`;
  console.log(`features: 53 per bar, ${symbols.length} symbols, ${bars.toLocaleString('en-US')} bars (best of 5 rounds)`);
  console.log(`  kernel, full pass:                ${kernel.toFixed(3)} s = ${rate(bars, kernel)}`);
  console.log(`  bare Float64Array loops (same):   ${base.toFixed(3)} s = ${rate(bars, base)}`);
  console.log(`  kernel / bare:                    ${((base / kernel) * 100).toFixed(0)} % of the bare speed (goal >= 50 %)`);
  console.log(`  technicalindicators (50 symbols): ${rate(refBars, ref)} (${(refBars / ref / (bars / kernel) * 100).toFixed(1)} % of the kernel)`);
  console.log(`  daily step, ${symbols.length} symbols from kept state: ${(step * 1000).toFixed(2)} ms`);
  // Vectorised signal evaluation over the day-major matrix, beside a bare loop that only reads the same
  // seven features of every bar and counts finite closes.
  const m = buildMarketMatrix(new Map(symbols.map((sym, k) => [sym, cols[k]!])), new Map(symbols.map((sym) => [sym, { symbol: sym, name: sym, sector: null, marketCap: 1e11 }])));
  const profile = loadConfig({ env: {}, dotenvDir: null }).picks.profiles.conservative;
  const caps = marketCaps(m);
  const mask = new Uint8Array(m.days.length * m.symbols.length);
  let qualified = 0;
  const scan = best(5, () => { qualified = scanQualifiers(m, profile, caps, mask); });
  const cells = m.days.length * m.symbols.length;
  let sink = 0;
  const bare = best(5, () => {
    const f = m.features;
    for (let at = 0; at < cells; at++) {
      const b = at * FEATURE_COUNT;
      if (m.close[at]! === m.close[at]!) sink += f[b + 34]! + f[b + 3]! + f[b + 5]! + f[b + 21]! + f[b + 29]! + f[b + 28]! + f[b + 16]!;
    }
  });
  void sink;
  console.log(`vectorised signal evaluation (the picks' rule for every symbol and day, ${cells.toLocaleString('en-US')} bar-evaluations, one core)`);
  console.log(`  scan: ${(scan * 1000).toFixed(1)} ms = ${(cells / scan / 1e6).toFixed(1)} M bar-evaluations/s (goal > 20 M), ${qualified.toLocaleString('en-US')} qualify`);
  console.log(`  bare loop reading the same features: ${(bare * 1000).toFixed(1)} ms = ${(cells / bare / 1e6).toFixed(1)} M bars/s`);
  console.log(`  matrix: ${m.days.length} days x ${m.symbols.length} symbols x ${FEATURE_COUNT} features = ${((m.features.byteLength) / 1e6).toFixed(0)} MB`);
}
