/** The report chart as a PNG, rendered without a browser: an SVG (equity curve above, drawdown below) drawn
 * here and rasterised by resvg (its binary ships inside the npm package). Text uses the system's sans-serif
 * font; where the machine has no fonts at all, the lines and areas still render. */
import { Resvg } from '@resvg/resvg-js';
import type { CurvePoint } from '../../src/trading/period-report.js';

const W = 800;
const H = 480;
const PAD = { left: 80, right: 20, top: 40, bottom: 30 };
const EQUITY_H = 260;
const GAP = 30;
const DD_H = H - PAD.top - PAD.bottom - EQUITY_H - GAP;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const fmt = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });

/** The chart as SVG text. */
export function reportChartSvg(curve: readonly CurvePoint[], title: string, currency: string): string {
  const plotW = W - PAD.left - PAD.right;
  const xOf = (i: number) => PAD.left + (curve.length > 1 ? (i / (curve.length - 1)) * plotW : plotW / 2);
  const eq = curve.map((p) => p.equity);
  let lo = Math.min(...eq);
  let hi = Math.max(...eq);
  if (!(hi > lo)) {
    lo -= 1;
    hi += 1;
  }
  const yEq = (v: number) => PAD.top + EQUITY_H - ((v - lo) / (hi - lo)) * EQUITY_H;
  const ddTop = PAD.top + EQUITY_H + GAP;
  const ddMax = Math.max(0.01, ...curve.map((p) => p.drawdown));
  const yDd = (d: number) => ddTop + (d / ddMax) * DD_H;
  const line = curve.map((p, i) => `${xOf(i).toFixed(1)},${yEq(p.equity).toFixed(1)}`).join(' ');
  const dd = [`${xOf(0).toFixed(1)},${ddTop}`, ...curve.map((p, i) => `${xOf(i).toFixed(1)},${yDd(p.drawdown).toFixed(1)}`), `${xOf(curve.length - 1).toFixed(1)},${ddTop}`].join(' ');
  const text = (x: number, y: number, s: string, anchor = 'start', size = 13) =>
    `<text x="${x}" y="${y}" font-family="sans-serif" font-size="${size}" fill="#333" text-anchor="${anchor}">${esc(s)}</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    text(PAD.left, 24, title, 'start', 16),
    `<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${EQUITY_H}" fill="#f6f8fa" stroke="#d0d7de"/>`,
    `<rect x="${PAD.left}" y="${ddTop}" width="${plotW}" height="${DD_H}" fill="#f6f8fa" stroke="#d0d7de"/>`,
    curve.length > 1 ? `<polyline points="${line}" fill="none" stroke="#1f6feb" stroke-width="2"/>` : curve.length === 1 ? `<circle cx="${xOf(0)}" cy="${yEq(curve[0]!.equity)}" r="3" fill="#1f6feb"/>` : '',
    curve.length > 0 ? `<polygon points="${dd}" fill="#cf222e" fill-opacity="0.6" stroke="#cf222e"/>` : '',
    text(PAD.left - 6, PAD.top + 12, fmt(hi), 'end'), text(PAD.left - 6, PAD.top + EQUITY_H, fmt(lo), 'end'),
    text(PAD.left - 6, PAD.top + EQUITY_H / 2, currency, 'end'),
    text(PAD.left - 6, ddTop + 12, '0 %', 'end'), text(PAD.left - 6, ddTop + DD_H, `-${(ddMax * 100).toFixed(1)} %`, 'end'),
    text(PAD.left + 6, ddTop + 16, 'drawdown'),
    curve.length > 0 ? text(PAD.left, H - 8, curve[0]!.day) + text(W - PAD.right, H - 8, curve.at(-1)!.day, 'end') : text(PAD.left, H - 8, 'no end-of-day snapshots yet'),
    '</svg>',
  ].join('');
}

/** The chart as a PNG image. */
export function reportChartPng(curve: readonly CurvePoint[], title: string, currency: string): Buffer {
  return Buffer.from(new Resvg(reportChartSvg(curve, title, currency), { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng());
}
