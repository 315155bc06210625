/** Each symbol's recent bars kept in memory between daily runs of one process, so the derived metrics of a
 * new day read only the new bars. Stored candles are append-only, so what is kept is always a prefix of what
 * is stored; a symbol whose kept last day is not the stored one is brought up to date from storage (or read
 * in full when not kept), which also covers bars appended by another process. */
import type { TradingDay } from '../domain/types.js';
import type { BarColumns } from '../market/indicators.js';
import { sliceBars } from '../market/indicators.js';
import type { CandleRepository } from '../ports/repositories.port.js';

const concat = (a: Float64Array, b: Float64Array): Float64Array => {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/** Days kept before the window before they are cut off. */
const TRIM_AFTER = 21;

/** The index of the first day on or after `from` (days ascending); days.length when none. */
function firstOnOrAfter(days: readonly TradingDay[], from: TradingDay): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (days[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class RecentBars {
  private readonly kept = new Map<string, BarColumns>();

  constructor(private readonly candles: Pick<CandleRepository, 'columnsSince'>) {}

  /** Bars of each symbol from `from` to its stored last day (`lastDay`), oldest first. */
  async get(symbols: string[], from: TradingDay, lastDay: (symbol: string) => TradingDay | undefined): Promise<Map<string, BarColumns>> {
    const behind = new Map<TradingDay, string[]>();
    const missing: string[] = [];
    for (const s of symbols) {
      const k = this.kept.get(s);
      const last = k?.days.at(-1);
      const stored = lastDay(s);
      if (!k || !last || k.days[0]! > from || !stored || last > stored) missing.push(s);
      else if (last !== stored) {
        const group = behind.get(last);
        if (group) group.push(s);
        else behind.set(last, [s]);
      }
    }
    if (missing.length > 0) for (const [s, b] of await this.candles.columnsSince(missing, from)) this.kept.set(s, b);
    for (const [last, group] of behind) {
      const fresh = await this.candles.columnsSince(group, last);
      for (const s of group) {
        const k = this.kept.get(s)!;
        const add = sliceBars(fresh.get(s)!, fresh.get(s)!.days.findIndex((d) => d > last));
        this.kept.set(s, {
          days: [...k.days, ...add.days], open: concat(k.open, add.open), high: concat(k.high, add.high), low: concat(k.low, add.low),
          close: concat(k.close, add.close), volume: concat(k.volume, add.volume),
        });
      }
    }
    const out = new Map<string, BarColumns>();
    for (const s of symbols) {
      let k = this.kept.get(s)!;
      let at = firstOnOrAfter(k.days, from);
      // Old days are dropped in one copy once they pile up (a month's worth), so memory stays bounded by
      // the window without copying every symbol's columns every day.
      if (at >= TRIM_AFTER) {
        const w = sliceBars(k, at);
        k = { days: w.days, open: w.open.slice(), high: w.high.slice(), low: w.low.slice(), close: w.close.slice(), volume: w.volume.slice() };
        this.kept.set(s, k);
        at = 0;
      }
      out.set(s, at === 0 ? k : sliceBars(k, at));
    }
    return out;
  }
}
