/** Market volatility as the median ATR(14)/close of every symbol with indicators on the last indicator day
 * before the session (from the pipeline's stored features). */
import type { TradingDay } from '../../domain/types.js';
import { addDays } from '../../market/market-time.js';
import type { IndicatorRepository } from '../../ports/repositories.port.js';
import type { VolatilityGauge } from '../../ports/volatility.port.js';

export class MedianAtrGauge implements VolatilityGauge {
  readonly label = 'median ATR% of the universe';
  private readonly byDay = new Map<TradingDay, { value: number; asOf: TradingDay } | null>();

  constructor(private readonly indicators: IndicatorRepository) {}

  async valueBefore(day: TradingDay) {
    if (this.byDay.has(day)) return this.byDay.get(day)!;
    const asOf = await this.indicators.latestDayOnOrBefore(addDays(day, -1));
    let reading: { value: number; asOf: TradingDay } | null = null;
    if (asOf) {
      const values = (await this.indicators.onDay(asOf)).map((r) => r.atrPct).filter((v): v is number => v != null).sort((a, b) => a - b);
      if (values.length > 0) {
        const mid = values.length >> 1;
        reading = { value: values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2, asOf };
      }
    }
    if (this.byDay.size > 64) this.byDay.clear();
    if (reading) this.byDay.set(day, reading); // a missing reading may appear once the pipeline has run
    return reading;
  }
}
