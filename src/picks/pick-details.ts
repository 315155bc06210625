/** What a live pick tells the trader beyond rank and score: a risk score (0–1, lower is safer), a
 * recommendation from the score by configured thresholds, the sector, and a snapshot of the indicators of
 * the signal day and the fundamentals known then. Computed from the stored numbers only, so the same data
 * gives the same details. */
import type { AppConfig } from '../config.js';
import type { Pick, PickDetails, Recommendation } from '../domain/types.js';
import type { IndicatorRow } from '../market/indicators.js';
import type { PointFundamentals } from './screening.js';

/** The indicators kept with each pick. */
export const SNAPSHOT_FEATURES = ['close', 'rsi14', 'atrPct', 'volatility20', 'sma50', 'sma200', 'roc20', 'roc63', 'macdHist', 'bbPercentB', 'relVolume', 'volumeSma20'] as const;

/** The recommendation a score reaches: the first threshold at or under it, else strong sell. */
export function recommendationOf(score: number, t: AppConfig['picks']['recommendation']): Recommendation {
  if (score >= t.strongBuy) return 'strong buy';
  if (score >= t.buy) return 'buy';
  if (score >= t.hold) return 'hold';
  if (score >= t.sell) return 'sell';
  return 'strong sell';
}

/** Each symbol's risk score among `rows` (the day's screened symbols): the mean of its percentile ranks of
 * ATR % and 20-day volatility, 0 the calmest and 1 the most volatile; a symbol without either counts as 1. */
export function riskScores(rows: readonly IndicatorRow[]): Map<string, number> {
  const rankOf = (key: 'atrPct' | 'volatility20'): Map<string, number> => {
    const known = rows.filter((r) => r[key] != null && Number.isFinite(r[key])).sort((a, b) => a[key]! - b[key]! || a.symbol.localeCompare(b.symbol));
    const n = known.length;
    return new Map(known.map((r, i) => [r.symbol, n > 1 ? i / (n - 1) : 0]));
  };
  const atr = rankOf('atrPct');
  const vol = rankOf('volatility20');
  return new Map(rows.map((r) => [r.symbol, Math.round(((atr.get(r.symbol) ?? 1) + (vol.get(r.symbol) ?? 1)) / 2 * 1000) / 1000]));
}

const round = (x: number | null | undefined, digits: number) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits);

/** The picks with their details; `rowOf` gives each pick's signal-day row. */
export function withDetails(
  picks: readonly Pick[], rowOf: (symbol: string) => IndicatorRow | undefined, risk: Map<string, number>,
  fundamentalsOf: (symbol: string) => PointFundamentals | null, sectorOf: (symbol: string) => string | null,
  thresholds: AppConfig['picks']['recommendation'],
): Pick[] {
  return picks.map((p) => {
    const row = rowOf(p.symbol);
    const f = fundamentalsOf(p.symbol);
    const snapshot: Record<string, number | null> = {};
    for (const k of SNAPSHOT_FEATURES) snapshot[k] = round(row?.[k], 6);
    snapshot.pe = round(f?.pe, 4);
    snapshot.roe = round(f?.roe, 6);
    snapshot.debtToEquity = round(f?.debtToEquity, 4);
    snapshot.marketCap = round(f?.marketCap, 0);
    const details: PickDetails = { riskScore: risk.get(p.symbol) ?? 1, recommendation: recommendationOf(p.score, thresholds), sector: sectorOf(p.symbol), snapshot };
    return { ...p, details };
  });
}
