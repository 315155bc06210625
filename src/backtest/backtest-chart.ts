/** The performance chart: equity against a benchmark with the starting capital as a dashed line, drawdown
 * below, horizontal gridlines with values and dated vertical gridlines. SVG drawn here, rasterised by resvg
 * (its binary ships in the npm package, no browser). */
import { Resvg } from '@resvg/resvg-js';

/** The series and labels of a performance chart. */
export interface ChartSeries {
  days: readonly string[];
  equity: readonly number[];
  /** Same length as `days`, or null. */
  benchmark: readonly number[] | null;
  startingCapital: number;
  title: string;
  currency: string;
  benchmarkLabel?: string;
}

const W = 960;
const H = 560;
const PAD = { left: 90, right: 24, top: 56, bottom: 40 };
const EQ_H = 320;
const GAP = 34;
const DD_H = H - PAD.top - PAD.bottom - EQ_H - GAP;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const money = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });

/** About `count` round values covering [lo, hi]. */
function niceTicks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(v);
  return out;
}

/** Where a new week (short spans), month or year (long spans) starts, thinned to at most `max` labels. */
function dateTicks(days: readonly string[], max: number): { at: number[]; label: (day: string) => string } {
  const span = days.length;
  const weekOf = (d: string) => {
    const t = Date.parse(`${d}T00:00:00Z`) / 86_400_000;
    return Math.floor((t + 3) / 7); // weeks starting on Monday (1970-01-01 was a Thursday)
  };
  const key = span <= 70 ? (d: string) => String(weekOf(d)) : span <= 500 ? (d: string) => d.slice(0, 7) : (d: string) => d.slice(0, 4);
  const label = span <= 70 ? (d: string) => d.slice(5) : span <= 500 ? (d: string) => d.slice(0, 7) : (d: string) => d.slice(0, 4);
  const idx: number[] = [];
  for (let i = 1; i < span; i++) if (key(days[i]!) !== key(days[i - 1]!)) idx.push(i);
  const every = Math.max(1, Math.ceil(idx.length / max));
  return { at: idx.filter((_, k) => k % every === 0), label };
}

export function performanceChartSvg(c: ChartSeries): string {
  const n = c.days.length;
  const plotW = W - PAD.left - PAD.right;
  const x = (i: number) => PAD.left + (n > 1 ? (i / (n - 1)) * plotW : plotW / 2);
  const all = [...c.equity, ...(c.benchmark ?? []), c.startingCapital];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (!(hi > lo)) {
    lo -= 1;
    hi += 1;
  }
  const padV = (hi - lo) * 0.05;
  lo -= padV;
  hi += padV;
  const y = (v: number) => PAD.top + EQ_H - ((v - lo) / (hi - lo)) * EQ_H;
  const ddTop = PAD.top + EQ_H + GAP;
  const dd: number[] = [];
  let peak = -Infinity;
  for (const v of c.equity) {
    peak = Math.max(peak, v);
    dd.push(peak > 0 ? 1 - v / peak : 0);
  }
  const ddMax = Math.max(0.01, ...dd);
  const yDd = (v: number) => ddTop + (v / ddMax) * DD_H;
  const text = (tx: number, ty: number, s: string, anchor = 'start', size = 12, fill = '#333') =>
    `<text x="${tx.toFixed(1)}" y="${ty.toFixed(1)}" font-family="sans-serif" font-size="${size}" fill="${fill}" text-anchor="${anchor}">${esc(s)}</text>`;
  const poly = (vals: readonly number[], f: (v: number) => number) => vals.map((v, i) => `${x(i).toFixed(1)},${f(v).toFixed(1)}`).join(' ');
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    text(PAD.left, 24, c.title, 'start', 16),
    `<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${EQ_H}" fill="#fbfcfd" stroke="#d0d7de"/>`,
    `<rect x="${PAD.left}" y="${ddTop}" width="${plotW}" height="${DD_H}" fill="#fbfcfd" stroke="#d0d7de"/>`,
  ];
  for (const v of niceTicks(lo, hi, 6)) {
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eaeef2"/>`, text(PAD.left - 6, y(v) + 4, money(v), 'end'));
  }
  for (const v of niceTicks(0, ddMax, 3)) {
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${yDd(v).toFixed(1)}" y2="${yDd(v).toFixed(1)}" stroke="#eaeef2"/>`, text(PAD.left - 6, yDd(v) + 4, v === 0 ? '0 %' : `-${(v * 100).toFixed(ddMax < 0.05 ? 1 : 0)} %`, 'end'));
  }
  const ticks = dateTicks(c.days, 10);
  for (const i of ticks.at) {
    parts.push(`<line x1="${x(i).toFixed(1)}" x2="${x(i).toFixed(1)}" y1="${PAD.top}" y2="${ddTop + DD_H}" stroke="#eaeef2"/>`, text(x(i), H - 20, ticks.label(c.days[i]!), 'middle', 11));
  }
  if (n > 0) parts.push(text(PAD.left, H - 6, c.days[0]!, 'start', 11), text(W - PAD.right, H - 6, c.days[n - 1]!, 'end', 11));
  else parts.push(text(PAD.left + plotW / 2, PAD.top + EQ_H / 2, 'no end-of-day snapshots yet', 'middle', 14));
  parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(c.startingCapital).toFixed(1)}" y2="${y(c.startingCapital).toFixed(1)}" stroke="#57606a" stroke-dasharray="6 4"/>`);
  if (c.benchmark && c.benchmark.length === n && n > 1) parts.push(`<polyline points="${poly(c.benchmark, y)}" fill="none" stroke="#8c959f" stroke-width="1.5"/>`);
  if (n > 1) parts.push(`<polyline points="${poly(c.equity, y)}" fill="none" stroke="#1f6feb" stroke-width="2"/>`);
  else if (n === 1) parts.push(`<circle cx="${x(0)}" cy="${y(c.equity[0]!)}" r="3" fill="#1f6feb"/>`);
  if (n > 0) parts.push(`<polygon points="${x(0).toFixed(1)},${ddTop} ${poly(dd, yDd)} ${x(n - 1).toFixed(1)},${ddTop}" fill="#cf222e" fill-opacity="0.5" stroke="#cf222e"/>`);
  const legendY = PAD.top - 10;
  parts.push(
    `<line x1="${PAD.left}" x2="${PAD.left + 24}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="#1f6feb" stroke-width="2"/>`, text(PAD.left + 30, legendY, `equity (${c.currency})`),
    `<line x1="${PAD.left + 170}" x2="${PAD.left + 194}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="#8c959f" stroke-width="1.5"/>`, text(PAD.left + 200, legendY, c.benchmarkLabel ?? 'equal-weight universe'),
    `<line x1="${PAD.left + 370}" x2="${PAD.left + 394}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="#57606a" stroke-dasharray="6 4"/>`, text(PAD.left + 400, legendY, `starting capital ${money(c.startingCapital)}`),
    text(PAD.left + 6, ddTop + 14, 'drawdown'),
    '</svg>',
  );
  return parts.join('');
}

export function performanceChartPng(c: ChartSeries): Buffer {
  return Buffer.from(new Resvg(performanceChartSvg(c), { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng());
}
