/** Screening before any strategy ranks: two stages from the market's config (`picks.screening`), in the
 * market's currency. Stage 1, tradeability: last close, 20-day average volume and average turnover (close ×
 * 20-day average volume). Stage 2, fundamentals and quality: a P/E band, a minimum ROE and a maximum
 * debt/equity, each read as of the signal day (point in time: a value first stored after that day is not
 * known yet, so it is not checked). A rule left null is off; a fundamental the data lacks is not checked.
 * Live picks and the backtester call the same functions, so a backtest screens as the live picks do. */
import type { AppConfig } from '../config.js';
import type { Fundamentals, TradingDay } from '../domain/types.js';
import type { IndicatorRow } from '../market/indicators.js';

export type ScreeningConfig = AppConfig['picks']['screening'];

/** Why a symbol was left out on a day, naming the stage, the rule (its config key) and the figures. */
export interface Exclusion {
  symbol: string;
  stage: 'tradeability' | 'fundamentals';
  rule: keyof ScreeningConfig;
  reason: string;
}

/** The fundamentals stage reads these, as first stored on `asOf`. */
export type PointFundamentals = Pick<Fundamentals, 'pe' | 'roe' | 'debtToEquity' | 'marketCap'> & { asOf: TradingDay };

/** Each symbol's stored fundamentals over time, looked up as of a day. */
export class FundamentalsTimeline {
  private readonly bySymbol = new Map<string, PointFundamentals[]>();

  /** `rows`: every stored fundamentals row (any order). */
  constructor(rows: ReadonlyArray<PointFundamentals & { symbol: string }>) {
    for (const r of rows) {
      const list = this.bySymbol.get(r.symbol) ?? [];
      list.push({ asOf: r.asOf, pe: r.pe, roe: r.roe, debtToEquity: r.debtToEquity, marketCap: r.marketCap });
      this.bySymbol.set(r.symbol, list);
    }
    for (const list of this.bySymbol.values()) list.sort((a, b) => a.asOf.localeCompare(b.asOf));
  }

  /** The latest row stored on or before `day`, or null when none was known then. */
  on(symbol: string, day: TradingDay): PointFundamentals | null {
    const list = this.bySymbol.get(symbol);
    if (!list) return null;
    let lo = 0;
    let hi = list.length - 1;
    let found: PointFundamentals | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.asOf <= day) {
        found = list[mid]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}

const fmt = (x: number, digits = 2) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const big = (x: number) => (Math.abs(x) >= 1e9 ? `${fmt(x / 1e9)} bn` : Math.abs(x) >= 1e6 ? `${fmt(x / 1e6)} M` : fmt(x, 0));

/** The first rule a symbol fails on the signal day, or null when it passes both stages. */
export function screenSymbol(row: Pick<IndicatorRow, 'symbol' | 'close' | 'volumeSma20'>, f: PointFundamentals | null, c: ScreeningConfig, currency: string): Exclusion | null {
  const out = (stage: Exclusion['stage'], rule: Exclusion['rule'], reason: string): Exclusion => ({ symbol: row.symbol, stage, rule, reason });
  if (!(row.close >= c.minPrice)) return out('tradeability', 'minPrice', `close ${fmt(row.close)} ${currency} is below the minimum price ${fmt(c.minPrice)} ${currency}`);
  const volume = row.volumeSma20;
  if (volume == null || !Number.isFinite(volume)) {
    if (c.minAvgVolume > 0 || c.minAvgTurnover > 0) return out('tradeability', 'minAvgVolume', 'fewer than 20 days of volume: its average volume is not known yet');
  } else {
    if (volume < c.minAvgVolume) return out('tradeability', 'minAvgVolume', `20-day average volume ${big(volume)} is below the minimum ${big(c.minAvgVolume)}`);
    const turnover = row.close * volume;
    if (turnover < c.minAvgTurnover) return out('tradeability', 'minAvgTurnover', `average turnover ${big(turnover)} ${currency} a day is below the minimum ${big(c.minAvgTurnover)} ${currency}`);
  }
  if (!f) return null;
  const pe = f.pe;
  if (pe !== null && c.peMin !== null && pe < c.peMin) return out('fundamentals', 'peMin', `P/E ${fmt(pe)} (as of ${f.asOf}) is below the band ${fmt(c.peMin)}–${c.peMax === null ? '∞' : fmt(c.peMax)}`);
  if (pe !== null && c.peMax !== null && pe > c.peMax) return out('fundamentals', 'peMax', `P/E ${fmt(pe)} (as of ${f.asOf}) is above the band ${c.peMin === null ? '−∞' : fmt(c.peMin)}–${fmt(c.peMax)}`);
  if (f.roe !== null && c.minRoe !== null && f.roe < c.minRoe) return out('fundamentals', 'minRoe', `ROE ${fmt(f.roe * 100, 1)} % (as of ${f.asOf}) is below the minimum ${fmt(c.minRoe * 100, 1)} %`);
  if (f.debtToEquity !== null && c.maxDebtToEquity !== null && f.debtToEquity > c.maxDebtToEquity) {
    return out('fundamentals', 'maxDebtToEquity', `debt/equity ${fmt(f.debtToEquity)} (as of ${f.asOf}) is above the maximum ${fmt(c.maxDebtToEquity)}`);
  }
  return null;
}

/** The signal day's rows that pass, and why each other one was left out. */
export function screenRows(
  rows: readonly IndicatorRow[], signalDay: TradingDay, fundamentals: FundamentalsTimeline, c: ScreeningConfig, currency: string,
): { eligible: IndicatorRow[]; excluded: Exclusion[] } {
  const eligible: IndicatorRow[] = [];
  const excluded: Exclusion[] = [];
  for (const r of rows) {
    const x = screenSymbol(r, fundamentals.on(r.symbol, signalDay), c, currency);
    if (x) excluded.push(x);
    else eligible.push(r);
  }
  return { eligible, excluded };
}
