/** Walk-forward and Monte Carlo on real series: the choice is made on the training span only, and the
 * resampling's bands follow from its inputs. */
import { describe, expect, it } from 'vitest';
import { BacktestService } from '../../src/backtest/backtest.service.js';
import { buildMarketMatrix } from '../../src/backtest/market-matrix.js';
import { monteCarlo, percentile } from '../../src/backtest/monte-carlo.js';
import { LocalSweepRunner } from '../../src/backtest/sweep.js';
import { bestOf, walkForward, walkForwardSpans, withPoint } from '../../src/backtest/walk-forward.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { MarketCalendar } from '../../src/market/calendar.js';
import { toBarColumns } from '../../src/market/indicators.js';
import { sp500Bars } from '../helpers/sp500-bars.js';

const SYMBOLS = ['AAPL', 'AMZN', 'BA', 'CAT', 'CVX', 'DIS', 'GE', 'HD', 'IBM', 'JNJ', 'JPM', 'KO', 'MCD', 'MSFT', 'NVDA', 'PG', 'XOM'];

describe('walk-forward', () => {
  it('trades on each test span the grid point with the best training Sharpe, never looking at the test span', async () => {
    const config = loadConfig({ env: {}, dotenvDir: null });
    const m = buildMarketMatrix(new Map(SYMBOLS.map((s) => [s, toBarColumns(sp500Bars(s))])), new Map(SYMBOLS.map((s) => [s, { symbol: s, name: s, sector: null, marketCap: null }])));
    const calendar = new MarketCalendar(config.market);
    const serviceFor = (c: AppConfig) => new BacktestService({} as never, c, calendar); // run() reads only the matrix
    const limits = { maxOpenPositions: config.trading.maxOpenPositions, sizing: config.trading.sizing, caps: config.trading.caps, breakers: config.trading.breakers };
    const grid = [{ stopAtr: 1.5, targetAtr: 2, maxHoldingDays: 10 }, { stopAtr: 3, targetAtr: 4, maxHoldingDays: 20 }];
    const runner = new LocalSweepRunner({ matrix: m, config, limits, service: serviceFor });
    const wf = await walkForward(runner, { from: '2015-01-02', to: '2016-12-30', profile: 'aggressive', trainMonths: 12, testMonths: 6, grid });
    expect(wf.ranOn).toBe('in-process');
    expect(wf.windows.map((w) => [w.train.from, w.test.from, w.test.to])).toEqual([
      ['2015-01-02', '2016-01-02', '2016-07-01'], ['2015-07-02', '2016-07-02', '2016-12-30'],
    ]);
    for (const w of wf.windows) {
      const sharpe = grid.map((p) => serviceFor(withPoint(config, 'aggressive', p)).run(m, { ...w.train, profile: 'aggressive', strategy: 'momentum-trend' }, limits).metrics.sharpe ?? -Infinity);
      expect(w.chosen).toEqual(grid[sharpe[0]! >= sharpe[1]! ? 0 : 1]);
      const oos = serviceFor(withPoint(config, 'aggressive', w.chosen)).run(m, { ...w.test, profile: 'aggressive', strategy: 'momentum-trend' }, limits).metrics;
      expect(w.outOfSample.totalReturn).toBe(oos.totalReturn);
      expect(w.outOfSample.trades).toBeGreaterThan(0);
    }
    expect(wf.outOfSampleReturn).toBeCloseTo((1 + wf.windows[0]!.outOfSample.totalReturn) * (1 + wf.windows[1]!.outOfSample.totalReturn) - 1, 12);
  });
});

describe('walk-forward spans and choice', () => {
  it('rolls by the test length, cuts the last test span at the end, and breaks ties by return then order', () => {
    expect(walkForwardSpans('2014-01-01', '2015-09-30', 12, 3)).toEqual([
      { train: { from: '2014-01-01', to: '2014-12-31' }, test: { from: '2015-01-01', to: '2015-03-31' } },
      { train: { from: '2014-04-01', to: '2015-03-31' }, test: { from: '2015-04-01', to: '2015-06-30' } },
      { train: { from: '2014-07-01', to: '2015-06-30' }, test: { from: '2015-07-01', to: '2015-09-30' } },
    ]);
    expect(walkForwardSpans('2014-01-01', '2014-12-31', 12, 3)).toEqual([]);
    const o = (sharpe: number | null, totalReturn: number) => ({ sharpe, totalReturn, maxDrawdown: 0, trades: 1 });
    expect(bestOf([o(null, 0.5), o(0.1, 0.01), o(0.1, 0.02), o(0.1, 0.02)])).toBe(2);
    expect(bestOf([o(null, 0.1), o(null, 0.3)])).toBe(1);
  });
});

describe('Monte Carlo', () => {
  it('bands follow from the trades: equal trades give one path, mixed ones spread around it; the seed repeats a run', () => {
    const same = monteCarlo([100, 100, 100, 100], 1000, 200, 1);
    expect(same.totalReturn[5]).toBeCloseTo(0.4, 12);
    expect(same.totalReturn[95]).toBeCloseTo(0.4, 12);
    expect(same.maxDrawdown[95]).toBe(0);
    expect(same.lossProbability).toBe(0);
    const mixed = monteCarlo([300, -200, 100, -100, 50], 1000, 2000, 7);
    expect(mixed.totalReturn[5]).toBeLessThan(mixed.totalReturn[50]!);
    expect(mixed.totalReturn[50]).toBeLessThan(mixed.totalReturn[95]!);
    expect(mixed.maxDrawdown[95]).toBeGreaterThan(0);
    expect(monteCarlo([300, -200, 100, -100, 50], 1000, 2000, 7)).toEqual(mixed);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
  });
});
