/** The report chart as a PNG, rendered without a browser: the same chart as a backtest's (equity, the
 * equal-weight universe when known, the starting capital dashed, drawdown below, gridlines, dated axes). */
import { performanceChartPng, type ChartSeries } from '../../src/backtest/backtest-chart.js';
import type { CurvePoint } from '../../src/trading/period-report.js';

function series(curve: readonly CurvePoint[], title: string, currency: string, startingCash: number | undefined): ChartSeries {
  const bench = curve.map((p) => p.benchmark);
  return {
    days: curve.map((p) => p.day), equity: curve.map((p) => p.equity),
    benchmark: curve.length > 1 && bench.every((b): b is number => typeof b === 'number') ? bench : null,
    startingCapital: startingCash ?? curve[0]?.equity ?? 0, title, currency,
  };
}

/** The chart as a PNG image. */
export function reportChartPng(curve: readonly CurvePoint[], title: string, currency: string, startingCash?: number): Buffer {
  return performanceChartPng(series(curve, title, currency, startingCash));
}
