/** The trade cycle at the market open: buy the top picks of the trading profile with fixed-fraction
 * sizing, behind the circuit breakers and the trading state. */
import { notional, roundMoney, roundPrice } from '../domain/money.js';
import type { Fill, Pick, TradingDay } from '../domain/types.js';
import type { FillEffect } from '../ports/repositories.port.js';
import { RiskGuards } from './risk-guards.js';
import { fixedFractionQty } from './sizing.js';
import type { TradingContext } from './trading-context.js';

export interface TradeCycleResult {
  day: TradingDay;
  skipped: string | null;
  opened: Array<{ symbol: string; qty: number; price: number }>;
  notes: string[];
}

/** The position a buy fill opens: cost basis includes the fee; stop and target keep the pick's distances
 * from its signal price, measured from the real fill. */
export function entryEffect(fill: Fill, pick: Pick, day: TradingDay): FillEffect {
  const cost = roundMoney(notional(fill.price, fill.qty) + fill.fee);
  return {
    fill,
    cashDelta: -cost,
    position: {
      symbol: fill.symbol, qty: fill.qty, avgPrice: roundPrice(cost / fill.qty),
      stopLoss: roundPrice(Math.max(0.0001, fill.price - (pick.entry - pick.stopLoss))),
      target: roundPrice(fill.price + (pick.target - pick.entry)),
      openedDay: day, profile: pick.profile,
    },
    closedTrade: null,
  };
}

export class TradeCycle {
  private readonly guards: RiskGuards;

  constructor(private readonly ctx: TradingContext) {
    this.guards = new RiskGuards(ctx);
  }

  async run(day: TradingDay): Promise<TradeCycleResult> {
    const { trading } = this.ctx.config;
    const result: TradeCycleResult = { day, skipped: null, opened: [], notes: [] };
    await this.ctx.repos.trading.ensureAccount(trading.startingCash);
    await this.guards.clearExpired(day);
    const state = await this.ctx.state.get();
    if (state.status !== 'RUNNING') {
      result.skipped = `trading is ${state.status}: ${state.reason}`;
      return result;
    }
    const picks = await this.ctx.repos.picks.forDay(day, trading.profile);
    if (picks.length === 0) {
      result.skipped = `no ${trading.profile} picks for ${day}`;
      return result;
    }
    const startEquity = await this.guards.startOfDayEquity(day);
    for (const pick of picks) {
      const now = this.ctx.clock.now();
      const v = await this.ctx.portfolio.value(now);
      if (v.positions.some((p) => p.symbol === pick.symbol)) {
        result.notes.push(`${pick.symbol}: already held`);
        continue;
      }
      if (v.positions.length >= trading.maxOpenPositions) {
        result.notes.push(`max open positions (${trading.maxOpenPositions}) reached`);
        break;
      }
      if ((await this.ctx.state.get()).status !== 'RUNNING' || !(await this.guards.allowEntry(day, v.equity, startEquity))) {
        result.notes.push('entries stopped by a circuit breaker');
        break;
      }
      const quote = await this.ctx.prices.priceAt(pick.symbol, now);
      if (!quote || quote.day !== day) {
        result.notes.push(`${pick.symbol}: no price for ${day}`);
        continue;
      }
      const qty = fixedFractionQty({
        equity: v.equity, cash: v.cash, price: quote.price, fraction: trading.positionFraction,
        slippageBps: trading.slippageBps, feePerOrder: trading.feePerOrder, feeBps: trading.feeBps,
      });
      if (qty < 1) {
        result.notes.push(`${pick.symbol}: not enough cash for one unit`);
        continue;
      }
      const out = await this.ctx.executor.execute(
        { day, symbol: pick.symbol, side: 'buy', type: 'market', qty, price: null, reason: 'entry', pickProfile: pick.profile },
        (fill) => entryEffect(fill, pick, day),
      );
      if (out.kind === 'filled') {
        const pos = entryEffect(out.fill, pick, day).position!;
        result.opened.push({ symbol: pick.symbol, qty, price: out.fill.price });
        await this.ctx.alerts.raise(
          { type: 'trade_opened', symbol: pick.symbol, qty, price: out.fill.price, stopLoss: pos.stopLoss, target: pos.target, day },
          `trade_opened:${out.fill.clientOrderId}`,
        );
      } else if (out.kind === 'rejected') {
        result.notes.push(`${pick.symbol}: rejected: ${out.reason}`);
      }
    }
    return result;
  }
}
