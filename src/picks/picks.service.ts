/** Daily picks for both risk profiles from the latest indicators before the trading day. */
import type { AppConfig } from '../config.js';
import { OperationalError } from '../domain/errors.js';
import type { Pick, RiskProfile, TradingDay } from '../domain/types.js';
import { addDays } from '../market/market-time.js';
import type { Repositories } from '../ports/repositories.port.js';
import { rankPicks } from './momentum.strategy.js';

export const PROFILES: readonly RiskProfile[] = ['conservative', 'aggressive'];

export class PicksService {
  constructor(private readonly repos: Repositories, private readonly profiles: AppConfig['picks']['profiles']) {}

  /** Compute and store the picks for trading day `day` from the last indicator day before it. */
  async run(day: TradingDay): Promise<{ signalDay: TradingDay; picks: Record<RiskProfile, Pick[]> }> {
    const signalDay = await this.repos.indicators.latestDayOnOrBefore(addDays(day, -1));
    if (!signalDay) throw new OperationalError(`no indicators before ${day}: run the pipeline first`);
    const rows = await this.repos.indicators.onDay(signalDay);
    const instruments = new Map((await this.repos.instruments.list()).map((i) => [i.symbol, i]));
    const picks = {} as Record<RiskProfile, Pick[]>;
    for (const profile of PROFILES) {
      picks[profile] = rankPicks(day, profile, rows, instruments, this.profiles[profile]);
      await this.repos.picks.replace(day, profile, picks[profile]);
    }
    return { signalDay, picks };
  }
}
