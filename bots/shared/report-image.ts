/** Which results and alerts carry a chart, and the chart for each: the report command results and the daily
 * and weekly report alerts. */
import type { CommandResult } from '../../src/commands/command.types.js';
import type { BotEvent } from '../../src/domain/types.js';
import { reportChartPng } from './report-chart.js';

export const CHART_FILE = 'report.png';

export function chartOfResult(r: CommandResult, currency: string): Buffer | null {
  if (r.kind === 'backtest') {
    const b = r.backtest;
    return reportChartPng(b.curve, `Backtest ${b.strategy} (${b.profile}) ${b.from} to ${b.to}`, currency, b.startingCash);
  }
  if (r.kind !== 'report') return null;
  const p = r.report.performance;
  const title = r.report.period === 'day' ? `Daily report ${p.to}: equity and drawdown` : `Weekly report ${p.from} to ${p.to}: equity and drawdown`;
  return reportChartPng(r.report.curve, title, currency, r.report.startingCash);
}

export function chartOfEvent(ev: BotEvent, currency: string): Buffer | null {
  if (ev.type === 'daily_report' && ev.curve) return reportChartPng(ev.curve, `Daily report ${ev.day}: equity and drawdown`, currency, ev.startingCash);
  if (ev.type === 'weekly_report') return reportChartPng(ev.curve, `Weekly report ${ev.from} to ${ev.to}: equity and drawdown`, currency, ev.startingCash);
  return null;
}
