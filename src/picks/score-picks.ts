/** Picks from a model's scores: the day's top N symbols by score among those the profile allows (a bar, a
 * score, an ATR within the profile's cap `maxAtrPct`, and a market cap at its floor `minMarketCap` when it
 * sets one), with the profile's stop and target (`pickLevels`), as the live rule sets them. The score's rank
 * among those, from 1 (best) down to 0, is the pick's score and confidence. */
import type { ProfileConfig } from '../config.js';
import type { Pick, RiskProfile, TradingDay } from '../domain/types.js';
import type { IndicatorRow } from '../market/indicators.js';

export function topScorePicks(
  day: TradingDay, profile: RiskProfile, rows: readonly IndicatorRow[], scoreOf: (symbol: string) => number, p: ProfileConfig, model: string,
  marketCapOf: (symbol: string) => number | null,
): Pick[] {
  const allowed = (r: IndicatorRow & { atr14: number }) => r.atr14 / r.close <= p.maxAtrPct && (p.minMarketCap <= 0 || (marketCapOf(r.symbol) ?? 0) >= p.minMarketCap);
  const scored = rows
    .map((r) => ({ r, v: scoreOf(r.symbol) }))
    .filter((x): x is { r: IndicatorRow & { atr14: number }; v: number } => Number.isFinite(x.v) && x.r.atr14 != null && x.r.atr14 > 0 && x.r.close > 0 && allowed(x.r as IndicatorRow & { atr14: number }));
  scored.sort((a, b) => b.v - a.v || a.r.symbol.localeCompare(b.r.symbol));
  const n = scored.length;
  return scored.slice(0, p.topN).map(({ r }, i) => {
    const score = n > 1 ? Math.round((1 - i / (n - 1)) * 1000) / 1000 : 1;
    return {
      day, profile, symbol: r.symbol, rank: i + 1, score, confidence: score, ...pickLevels(r.close, r.atr14, p),
      model, rationale: `${model}: score ranked ${i + 1} of ${n} the ${profile} profile allows on the signal day.`,
    };
  });
}

/** Entry at the signal day's close; target and stop at the profile's percentages of it when set
 * (`targetPct`, `stopPct`), else at its multiples of ATR 14 (`targetAtr`, `stopAtr`). In cents. */
export function pickLevels(close: number, atr14: number, p: ProfileConfig): { entry: number; target: number; stopLoss: number } {
  const round = (x: number) => Math.round(x * 100) / 100;
  const target = p.targetPct !== null ? close * (1 + p.targetPct) : close + p.targetAtr * atr14;
  const stop = p.stopPct !== null ? close * (1 - p.stopPct) : close - p.stopAtr * atr14;
  return { entry: round(close), target: round(target), stopLoss: round(Math.max(0.01, stop)) };
}
