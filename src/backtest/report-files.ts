/** A backtest's results, written once at the end: report.json (every metric and the config used),
 * trades.csv, orders.csv, equity.csv, picks.csv and chart.png, plus the summary table the CLI prints. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppConfig } from '../config.js';
import { performanceChartPng } from './backtest-chart.js';
import type { BacktestResult } from './backtest.service.js';
import type { BacktestMetrics } from './metrics.js';
import { BANDS, type MonteCarloResult } from './monte-carlo.js';
import type { WalkForwardResult } from './walk-forward.js';

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (header: string[], rows: unknown[][]) => [header.join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\n') + '\n';

/** Write every file into `dir` (created); returns the paths written. */
export async function writeBacktestReport(dir: string, r: BacktestResult, config: AppConfig): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const { run } = r;
  const files: Array<[string, string | Buffer]> = [
    ['report.json', `${JSON.stringify({
      options: r.options, notes: r.notes, metrics: r.metrics, seconds: r.seconds, bars: r.bars, trips: run.trips,
      openPositions: run.openPositions,
      config: { trading: config.trading, picks: config.picks, market: { name: config.market.name, currency: config.market.currency, kind: config.market.kind }, schedule: config.schedule },
    }, null, 2)}\n`],
    ['trades.csv', csv(['symbol', 'qty', 'entry_price', 'exit_price', 'pnl', 'reason', 'opened_day', 'closed_day', 'profile', 'model'],
      run.trades.map((t) => [t.symbol, t.qty, t.entryPrice, t.exitPrice, t.pnl, t.reason, t.openedDay, t.closedDay, t.profile, t.model]))],
    ['orders.csv', csv(['client_order_id', 'day', 'symbol', 'side', 'type', 'qty', 'reason', 'status', 'fill_qty', 'fill_price', 'fee', 'note'], run.orders.map((o) => {
      const f = run.fills.find((x) => x.clientOrderId === o.clientOrderId);
      return [o.clientOrderId, o.day, o.symbol, o.side, o.type, o.qty, o.reason, o.status, f?.qty, f?.price, f?.fee, o.note];
    }))],
    ['equity.csv', csv(['day', 'equity', 'cash', 'exposure', 'drawdown', 'benchmark'],
      run.days.map((d, i) => [d.day, d.equity, d.cash, d.exposure, d.drawdown, r.benchmark[i + 1]!.toFixed(2)]))],
    ['picks.csv', csv(['date', 'symbol', 'rank', 'score'], run.signals.flatMap((s) => s.picks.map((p) => [s.signalDay, p.symbol, p.rank, p.score])))],
    ['chart.png', performanceChartPng({
      days: run.days.map((d) => d.day), equity: run.days.map((d) => d.equity), benchmark: r.benchmark.slice(1), startingCapital: run.startingCash,
      title: `Backtest ${r.options.strategy} (${r.options.profile}) ${r.options.from} to ${r.options.to}`, currency: config.market.currency,
    })],
  ];
  const written: string[] = [];
  for (const [name, body] of files) {
    const file = path.join(dir, name);
    await writeFile(file, body);
    written.push(file);
  }
  return written;
}

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(2)} %`);
const num = (x: number | null, d = 2) => (x === null ? '-' : x.toFixed(d));
const money = (x: number | null) => (x === null ? '-' : x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));

/** Breaker trips counted by breaker and stage, e.g. "consecutive_losses soft 28, daily_loss soft 2". */
function tripCounts(r: BacktestResult): string {
  const n = new Map<string, number>();
  for (const t of r.run.trips) n.set(`${t.name} ${t.stage}`, (n.get(`${t.name} ${t.stage}`) ?? 0) + 1);
  return n.size === 0 ? 'none' : [...n].map(([k, v]) => `${k} ${v}`).join(', ') + ' (days in report.json)';
}

/** The summary table, one metric a line. */
export function summaryTable(r: BacktestResult): string {
  const m: BacktestMetrics = r.metrics;
  const rows: Array<[string, string]> = [
    ['period', `${r.options.from} to ${r.options.to} (${r.run.days.length} trading days, ${r.options.symbols} symbols)`],
    ['strategy / profile', `${r.options.strategy} / ${r.options.profile}`],
    ['equity', `${money(m.startEquity)} -> ${money(m.endEquity)}`],
    ['total return', pct(m.totalReturn)],
    ['benchmark (equal-weight universe)', pct(m.benchmarkReturn)],
    ['CAGR', pct(m.cagr)],
    ['volatility (annualised)', pct(m.volatility)],
    ['Sharpe / Sortino / Calmar', `${num(m.sharpe)} / ${num(m.sortino)} / ${num(m.calmar)}`],
    ['max drawdown (longest, days)', `${pct(m.maxDrawdown)} (${m.maxDrawdownDays})`],
    ['alpha (annualised) / beta', `${pct(m.alpha)} / ${num(m.beta)}`],
    ['trades / win rate', `${m.trades} / ${pct(m.winRate)}`],
    ['profit factor / expectancy', `${num(m.profitFactor)} / ${money(m.expectancy)}`],
    ['average win / loss', `${money(m.averageWin)} / ${money(m.averageLoss)}`],
    ['best / worst trade', `${money(m.bestTrade)} / ${money(m.worstTrade)}`],
    ['longest win / loss streak', `${m.longestWinStreak} / ${m.longestLossStreak}`],
    ['exposure (average)', pct(m.exposure)],
    ['turnover (annualised) / costs', `${num(m.turnover)}x / ${money(m.costs)}`],
    ['breaker trips', tripCounts(r)],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

/** Walk-forward windows, in-sample beside out-of-sample. */
export function walkForwardTable(w: WalkForwardResult): string {
  const head = ['train', 'test', 'chosen (stop ATR, target ATR, max days)', 'IS return', 'IS Sharpe', 'OOS return', 'OOS Sharpe', 'OOS max DD', 'OOS trades'];
  const rows = w.windows.map((x) => [
    `${x.train.from}..${x.train.to}`, `${x.test.from}..${x.test.to}`, `${x.chosen.stopAtr}, ${x.chosen.targetAtr}, ${x.chosen.maxHoldingDays}`,
    pct(x.inSample.totalReturn), num(x.inSample.sharpe), pct(x.outOfSample.totalReturn), num(x.outOfSample.sharpe), pct(x.outOfSample.maxDrawdown), String(x.outOfSample.trades),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [
    `walk-forward: ${w.points} parameter points per window, chosen on the training span by Sharpe, traded on the next span`,
    line(head), ...rows.map(line),
    `mean in-sample return per window ${pct(w.inSampleMeanReturn)}; out-of-sample spans chained ${pct(w.outOfSampleReturn)}`,
    `backtests ran ${w.ranOn}`,
  ].join('\n');
}

/** Monte Carlo bands of return and drawdown. */
export function monteCarloTable(mc: MonteCarloResult): string {
  const head = ['percentile', ...BANDS.map((b) => `p${b}`)];
  const rows = [
    ['total return', ...BANDS.map((b) => pct(mc.totalReturn[b]!))],
    ['max drawdown', ...BANDS.map((b) => pct(mc.maxDrawdown[b]!))],
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [
    `Monte Carlo: ${mc.runs} resamplings of the ${mc.trades} closed trades (with replacement, seed ${mc.seed})`,
    line(head), ...rows.map(line), `ended below the starting capital in ${pct(mc.lossProbability)} of them`,
  ].join('\n');
}
