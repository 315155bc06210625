/** The vectorised scan admits exactly the symbols the row-based picks qualify, day by day, on real series. */
import { describe, expect, it } from 'vitest';
import { buildMarketMatrix, MatrixRows } from '../../src/backtest/market-matrix.js';
import { marketCaps, scanQualifiers } from '../../src/backtest/signal-scan.js';
import { loadConfig } from '../../src/config.js';
import { toBarColumns } from '../../src/market/indicators.js';
import { rankPicks } from '../../src/picks/momentum.strategy.js';
import { sp500Bars } from '../helpers/sp500-bars.js';

const SYMBOLS = ['AAPL', 'AMZN', 'BHF', 'DHR', 'KO', 'MSFT', 'NVDA', 'XOM', 'F', 'REGN', 'JPM', 'GE'];

describe('vectorised signal scan', () => {
  it('equals the picks rule on every day of twelve real series, for both profiles', () => {
    const config = loadConfig({ env: {}, dotenvDir: null });
    const bars = new Map(SYMBOLS.map((s) => [s, toBarColumns(sp500Bars(s))]));
    // market caps make the conservative floor bite: half the symbols below it
    const instruments = new Map(SYMBOLS.map((s, i) => [s, { symbol: s, name: s, sector: null, marketCap: i % 2 ? 5e9 : 5e11 }]));
    const m = buildMarketMatrix(bars, instruments);
    const S = m.symbols.length;
    const out = new Uint8Array(m.days.length * S);
    const views = new MatrixRows(m);
    for (const profile of ['conservative', 'aggressive'] as const) {
      const p = { ...config.picks.profiles[profile], topN: S };
      const n = scanQualifiers(m, p, marketCaps(m), out);
      expect(n).toBeGreaterThan(100);
      let fromRows = 0;
      for (let d = 0; d < m.days.length; d++) {
        const picked = new Set(rankPicks(m.days[d]!, profile, views.on(d), instruments, p).map((x) => x.symbol));
        fromRows += picked.size;
        const scanned = new Set(m.symbols.filter((_, s) => out[d * S + s] === 1));
        if (picked.size !== scanned.size || [...picked].some((x) => !scanned.has(x))) expect.fail(`${profile} ${m.days[d]}: picks ${[...picked]} vs scan ${[...scanned]}`);
      }
      expect(n).toBe(fromRows);
    }
  });
});
