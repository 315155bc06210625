/** The trade cycle at the market open. First, held positions with a strong sell signal on the signal day
 * are sold at the open. Then, unless trading is PAUSED or HALTED, the trading profile's picks are bought in
 * rank order: before every entry the circuit breakers are checked, then the position is sized (method, caps,
 * buying power) within the weekly entry limit and the open-position limit. */
import type { AppConfig } from '../config.js';
import type { Pick as StockPick, TradingDay } from '../domain/types.js';
import type { PriceSource } from '../market/price-source.js';
import { addDays } from '../market/market-time.js';
import { strongSellSignal } from '../picks/momentum.strategy.js';
import type { Clock } from '../ports/clock.port.js';
import type { Repositories } from '../ports/repositories.port.js';
import type { CircuitBreakers } from './breakers/circuit-breakers.js';
import { initialLevels } from './exits.js';
import type { FillAnnouncer } from './fill-announcer.js';
import type { CrashHook, OrderExecutor } from './order-executor.js';
import type { Portfolio } from './portfolio.js';
import type { PositionCloser } from './position-closer.js';
import type { RiskLimitsService } from './risk-limits.js';
import { sizePosition } from './sizing.js';
import type { TradingStateService } from './trading-state.service.js';

/** What the trade cycle needs, named one by one. */
export interface TradeCycleDeps {
  trading: AppConfig['trading'];
  repos: Pick<Repositories, 'trading' | 'picks' | 'instruments' | 'indicators'>;
  clock: Clock;
  prices: Pick<PriceSource, 'priceAt'>;
  portfolio: Pick<Portfolio, 'value'>;
  state: Pick<TradingStateService, 'get'>;
  limits: Pick<RiskLimitsService, 'current'>;
  executor: Pick<OrderExecutor, 'execute'>;
  announcer: Pick<FillAnnouncer, 'announce' | 'announceDay'>;
  breakers: Pick<CircuitBreakers, 'clearExpired' | 'tripCrossed' | 'checkBeforeEntry'>;
  closer: PositionCloser;
  /** Test hook that simulates a crash at a named point (a no-op in production). */
  crash: CrashHook;
}

type PortfolioValue = Awaited<ReturnType<Portfolio['value']>>;

export interface TradeCycleResult {
  day: TradingDay;
  skipped: string | null;
  opened: Array<{ symbol: string; qty: number; price: number }>;
  soldOnSignal: string[];
  notes: string[];
}

/** Monday of the calendar week of `day`. */
export function weekStart(day: TradingDay): TradingDay {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

export class TradeCycle {
  constructor(private readonly d: TradeCycleDeps) {}

  async run(day: TradingDay): Promise<TradeCycleResult> {
    const { trading } = this.d;
    const result: TradeCycleResult = { day, skipped: null, opened: [], soldOnSignal: [], notes: [] };
    await this.d.repos.trading.ensureAccount(trading.startingCash);
    await this.d.announcer.announceDay(day);
    if (trading.exits.sellSignal) result.soldOnSignal = await this.sellOnSignal(day);

    // Breakers are checked at every cycle start too, so a hard stage halts even while entries are paused.
    const v0 = await this.d.portfolio.value(this.d.clock.now());
    await this.d.breakers.clearExpired(day, v0.equity);
    await this.d.breakers.tripCrossed(day, v0.equity);
    const state = await this.d.state.get();
    if (state.status !== 'RUNNING') {
      result.skipped = `trading is ${state.status}: ${state.reason}`;
      return result;
    }
    const picks = await this.d.repos.picks.forDay(day, trading.profile);
    if (picks.length === 0) {
      result.skipped = `no ${trading.profile} picks for ${day}`;
      return result;
    }
    const { limits } = await this.d.limits.current();
    const [instruments, history] = await Promise.all([this.d.repos.instruments.list(), this.d.repos.trading.tradesClosedAfter(null)]);
    const sectorOf = new Map(instruments.map((i) => [i.symbol, i.sector ?? 'unknown']));
    let entriesThisWeek = await this.d.repos.trading.countEntries(weekStart(day), day);

    for (const pick of picks) {
      const now = this.d.clock.now();
      const v = await this.d.portfolio.value(now);
      if (v.positions.some((p) => p.symbol === pick.symbol)) {
        result.notes.push(`${pick.symbol}: already held`);
        continue;
      }
      if (v.positions.length >= limits.maxOpenPositions) {
        result.notes.push(`max open positions (${limits.maxOpenPositions}) reached`);
        break;
      }
      if (entriesThisWeek >= limits.caps.maxEntriesPerWeek) {
        result.notes.push(`weekly entry limit (${limits.caps.maxEntriesPerWeek}) reached`);
        break;
      }
      const blocked = await this.d.breakers.checkBeforeEntry(day, v.equity);
      if (blocked) {
        result.notes.push(`entries stopped: ${blocked}`);
        break;
      }
      const opened = await this.enter(pick, day, v, sectorOf, history, limits, result);
      if (opened) entriesThisWeek++;
    }
    return result;
  }

  private async enter(
    pick: StockPick, day: TradingDay, v: PortfolioValue, sectorOf: Map<string, string>,
    history: Parameters<typeof sizePosition>[0]['history'], limits: Parameters<typeof sizePosition>[0]['limits'], result: TradeCycleResult,
  ): Promise<boolean> {
    const { trading } = this.d;
    const quote = await this.d.prices.priceAt(pick.symbol, this.d.clock.now());
    if (!quote || quote.day !== day) {
      result.notes.push(`${pick.symbol}: no price for ${day}`);
      return false;
    }
    const sector = sectorOf.get(pick.symbol) ?? 'unknown';
    const levels = initialLevels(quote.price, pick, trading.exits);
    const paper = trading.broker === 'paper';
    const size = sizePosition({
      limits, equity: v.equity, cash: v.cash * (paper ? trading.paper.buyingPowerMultiplier : 1), price: quote.price,
      stopDistance: quote.price - levels.stopLoss, exposure: v.exposure,
      sectorExposure: v.positions.filter((p) => (sectorOf.get(p.symbol) ?? 'unknown') === sector).reduce((s, p) => s + p.value, 0),
      history, costBps: trading.paper.slippageBps + trading.paper.feeBps, feePerOrder: trading.paper.feePerOrder,
      quantityStep: trading.quantityStep,
    });
    this.d.crash('after_sizing');
    if (size.qty <= 0) {
      result.notes.push(`${pick.symbol}: size 0 (limited by ${size.limitedBy})${size.note ? `; ${size.note}` : ''}`);
      return false;
    }
    if (size.note) result.notes.push(`${pick.symbol}: ${size.note}`);
    const out = await this.d.executor.execute({
      day, symbol: pick.symbol, side: 'buy', type: 'market', qty: size.qty, limitPrice: null, stopPrice: null, reason: 'entry', pickProfile: pick.profile,
    });
    if (out.kind === 'rejected') result.notes.push(`${pick.symbol}: rejected: ${out.reason}`);
    if (out.kind === 'resting') result.notes.push(`${pick.symbol}: order working at the broker`);
    const fill = out.kind === 'filled' || out.kind === 'already-done' ? out.fill : null;
    if (!fill) return false;
    if (out.kind === 'filled') result.opened.push({ symbol: pick.symbol, qty: fill.qty, price: fill.price });
    await this.d.announcer.announce(out.order, fill);
    return out.kind === 'filled';
  }

  /** Sell held positions whose latest indicators (before today's session) show a strong sell signal. */
  private async sellOnSignal(day: TradingDay): Promise<string[]> {
    const held = await this.d.repos.trading.positions();
    if (held.length === 0) return [];
    const signalDay = await this.d.repos.indicators.latestDayOnOrBefore(addDays(day, -1));
    if (!signalDay) return [];
    const rows = new Map((await this.d.repos.indicators.onDay(signalDay)).map((r) => [r.symbol, r]));
    const sold: string[] = [];
    for (const pos of held) {
      const row = rows.get(pos.symbol);
      if (!row || pos.openedDay >= day || !strongSellSignal(row)) continue;
      if (await this.d.closer.close(pos, 'sell_signal', day, 'market', null)) sold.push(pos.symbol);
    }
    return sold;
  }
}
