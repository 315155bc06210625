import { describe, expect, it } from 'vitest';
import { performanceChartPng, performanceChartSvg } from '../../src/backtest/backtest-chart.js';

const days = ['2017-01-03', '2017-01-04', '2017-01-05', '2017-01-06', '2017-01-09', '2017-01-10', '2017-01-11', '2017-01-17'];
const equity = [100_000, 100_500, 99_000, 101_000, 102_000, 101_500, 103_000, 104_000];

describe('performance chart', () => {
  it('draws equity, the benchmark, the starting capital dashed, gridlines and dated axes', () => {
    const svg = performanceChartSvg({ days, equity, benchmark: equity.map((e) => e * 0.99), startingCapital: 100_000, title: 'T', currency: 'USD' });
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toMatch(/stroke-dasharray="6 4"\/>/);
    expect(svg).toContain('starting capital 100,000');
    // weekly date ticks on a short span: the Mondays 01-09 and 01-17 (the 16th was a holiday)
    expect(svg).toContain('>01-09<');
    expect(svg).toContain('>01-17<');
    expect((svg.match(/stroke="#eaeef2"/g) ?? []).length).toBeGreaterThan(5);
    // the deepest fall is 100,500 -> 99,000 (1.49 %): drawdown gridlines every 0.5 %, to -1.0 %
    expect(svg).toContain('>-0.5 %<');
    expect(svg).toContain('>-1.0 %<');
    expect(svg).not.toContain('>-1.5 %<');
  });

  it('renders a PNG, also without a benchmark or any point', () => {
    expect(performanceChartPng({ days, equity, benchmark: null, startingCapital: 100_000, title: 'T', currency: 'USD' }).subarray(1, 4).toString()).toBe('PNG');
    expect(performanceChartSvg({ days: [], equity: [], benchmark: null, startingCapital: 100_000, title: 'T', currency: 'USD' })).toContain('no end-of-day snapshots yet');
  });
});
