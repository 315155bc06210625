/** The equal-weight universe's daily returns for report charts, kept in memory: a day's return depends only
 * on stored candles of that day and the day before, which are appended, not changed, so each day is read
 * once per process. Before, every daily report re-read every candle since the account's first day (a
 * window function over all of them), a cost that grew with each replayed day. */
import type { TradingDay } from '../domain/types.js';
import type { CandleRepository } from '../ports/repositories.port.js';
import { addDays } from '../market/market-time.js';

export class BenchmarkReturns {
  private readonly known = new Map<TradingDay, number>();
  /** Days [from, to] already read (returns for days without one stay absent). */
  private span: { from: TradingDay; to: TradingDay } | null = null;

  constructor(private readonly candles: Pick<CandleRepository, 'equalWeightReturns'>) {}

  /** Daily returns for every day from `from` to `to` that has one. */
  async between(from: TradingDay, to: TradingDay): Promise<Map<TradingDay, number>> {
    const s = this.span;
    if (!s || from < s.from || to < s.from || from > addDays(s.to, 1)) {
      this.known.clear();
      await this.read(from, to);
      this.span = { from, to };
    } else if (to > s.to) {
      // Re-read the last known day too: its candles may have been completed since.
      await this.read(s.to, to);
      this.span = { from: s.from, to };
    }
    const out = new Map<TradingDay, number>();
    for (const [d, r] of this.known) if (d >= from && d <= to) out.set(d, r);
    return out;
  }

  private async read(from: TradingDay, to: TradingDay): Promise<void> {
    for (const [d, r] of await this.candles.equalWeightReturns(from, to)) this.known.set(d, r);
  }
}
