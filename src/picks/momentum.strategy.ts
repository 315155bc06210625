/** The rule-based model of the walking skeleton: momentum with a trend filter.
 * A symbol qualifies when its price is above SMA 50 (and SMA 50 above SMA 200 where the profile asks for
 * a long trend), its 63-day return and MACD histogram are positive, RSI is inside the profile's band,
 * volatility (ATR/close) is under the cap and market cap is known and above the floor (when a floor is
 * set). Qualifying symbols are scored by percentile rank of 63-day return (50 %), 20-day return (30 %) and
 * MACD histogram relative to price (20 %); score is the confidence. */
import { pickLevels } from './score-picks.js';
import type { IndicatorRow } from '../market/indicators.js';
import type { ProfileConfig } from '../config.js';
import type { Instrument, Pick, RiskProfile, TradingDay } from '../domain/types.js';

export const MODEL_NAME = 'momentum-trend-v1';

interface Candidate {
  row: IndicatorRow & { atr14: number; sma50: number; rsi14: number; roc63: number; roc20: number; macdHist: number };
}

/** The qualification rule on plain numbers (NaN = no value): one predicate for the row-based picks and the
 * vectorised scan over a day-major matrix. */
export function qualifiesValues(
  close: number, atr14: number, sma50: number, sma200: number, rsi14: number, roc63: number, roc20: number, macdHist: number,
  marketCap: number, p: ProfileConfig,
): boolean {
  if (Number.isNaN(atr14) || Number.isNaN(sma50) || Number.isNaN(rsi14) || Number.isNaN(roc63) || Number.isNaN(roc20) || Number.isNaN(macdHist)) return false;
  if (p.minMarketCap > 0 && !(marketCap >= p.minMarketCap)) return false;
  if (atr14 / close > p.maxAtrPct) return false;
  if (rsi14 < p.rsiMin || rsi14 > p.rsiMax) return false;
  if (close <= sma50) return false;
  if (p.requireLongTrend && (Number.isNaN(sma200) || sma50 <= sma200)) return false;
  return roc63 > 0 && macdHist > 0;
}

const nan = (x: number | null | undefined): number => (x == null ? Number.NaN : x);

function qualifies(r: IndicatorRow, inst: Instrument | undefined, p: ProfileConfig): r is Candidate['row'] {
  return qualifiesValues(r.close, nan(r.atr14), nan(r.sma50), nan(r.sma200), nan(r.rsi14), nan(r.roc63), nan(r.roc20), nan(r.macdHist), nan(inst?.marketCap), p);
}

/** The rule's score of a qualifying symbol from its percentile ranks among the day's qualifiers. */
export function ruleScore(p63: number, p20: number, pMacdHist: number): number {
  return 0.5 * p63 + 0.3 * p20 + 0.2 * pMacdHist;
}

/** Percentile rank in [0, 1] of each value among `values` (ties share the lower rank). */
function percentiles(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = values.length;
  return values.map((v) => (n <= 1 ? 1 : sorted.indexOf(v) / (n - 1)));
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

/** Rank the day's indicator rows for one profile; returns at most `topN` picks for `day`. */
export function rankPicks(day: TradingDay, profile: RiskProfile, rows: IndicatorRow[], instruments: Map<string, Instrument>, p: ProfileConfig): Pick[] {
  const cands = rows.filter((r): r is Candidate['row'] => qualifies(r, instruments.get(r.symbol), p));
  const m63 = percentiles(cands.map((c) => c.roc63));
  const m20 = percentiles(cands.map((c) => c.roc20));
  const mh = percentiles(cands.map((c) => c.macdHist / c.close));
  const scored = cands.map((c, i) => ({ c, score: ruleScore(m63[i]!, m20[i]!, mh[i]!) }));
  scored.sort((a, b) => b.score - a.score || a.c.symbol.localeCompare(b.c.symbol));
  return scored.slice(0, p.topN).map(({ c, score }, i) => {
    return {
      day, profile, symbol: c.symbol, rank: i + 1,
      score: Math.round(score * 1000) / 1000,
      confidence: Math.round(score * 1000) / 1000,
      ...pickLevels(c.close, c.atr14, p),
      model: MODEL_NAME,
      rationale: `63-day return ${pct(c.roc63)}, 20-day ${pct(c.roc20)}, RSI ${c.rsi14.toFixed(0)}, `
        + `close ${pct(c.close / c.sma50 - 1)} above SMA50${p.requireLongTrend ? ' in a long uptrend' : ''}, `
        + `ATR ${(100 * c.atr14 / c.close).toFixed(1)} % of price; ranked ${i + 1} of ${cands.length} qualifying.`,
    };
  });
}

/** A strong sell signal for a held symbol: the trend has broken on every count the model buys on. The close
 * is below SMA 50, MACD is below its signal line and RSI 14 is under 40. */
export function strongSellSignal(r: IndicatorRow): boolean {
  if (r.sma50 == null || r.macd == null || r.macdSignal == null || r.rsi14 == null) return false;
  return r.close < r.sma50 && r.macd < r.macdSignal && r.rsi14 < 40;
}
