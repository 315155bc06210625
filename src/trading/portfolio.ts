/** Valuation of the account: cash plus open positions at current prices. */
import { notional, roundMoney } from '../domain/money.js';
import { drawdownFromPeak } from './performance.js';
import type { Position, TradingDay, PortfolioSnapshot } from '../domain/types.js';
import type { PriceSource } from '../market/price-source.js';
import type { TradingRepository } from '../ports/repositories.port.js';
import { cash as cashGauge, drawdownGauge, equity as equityGauge, exposureGauge, openPositions, unrealizedPnlGauge } from '../../monitoring/metrics.js';

export interface ValuedPosition extends Position {
  price: number;
  value: number;
  unrealizedPnl: number;
}

export interface Valuation {
  cash: number;
  equity: number;
  exposure: number;
  positions: ValuedPosition[];
}

export class Portfolio {
  constructor(private readonly repo: TradingRepository, private readonly prices: PriceSource) {}

  async value(at: Date): Promise<Valuation> {
    const [cash, positions] = await Promise.all([this.repo.cash(), this.repo.positions()]);
    const valued: ValuedPosition[] = [];
    for (const p of positions) {
      const q = await this.prices.priceAt(p.symbol, at);
      const price = q?.price ?? p.avgPrice;
      const value = notional(price, p.qty);
      valued.push({ ...p, price, value, unrealizedPnl: roundMoney(value - notional(p.avgPrice, p.qty)) });
    }
    const exposure = roundMoney(valued.reduce((s, p) => s + p.value, 0));
    const v = { cash: roundMoney(cash), equity: roundMoney(cash + exposure), exposure, positions: valued };
    cashGauge.set(v.cash);
    equityGauge.set(v.equity);
    exposureGauge.set(v.exposure);
    unrealizedPnlGauge.set(roundMoney(valued.reduce((s, p) => s + p.unrealizedPnl, 0)));
    openPositions.set(valued.length);
    return v;
  }

  /** Store the end-of-day snapshot of `day`, valued at `at`. */
  async snapshot(day: TradingDay, at: Date, realizedToday: number): Promise<PortfolioSnapshot> {
    const v = await this.value(at);
    const peak = Math.max((await this.repo.peakEquity()) ?? v.equity, v.equity);
    const snap: PortfolioSnapshot = {
      day, cash: v.cash, equity: v.equity, exposure: v.exposure, realizedPnl: roundMoney(realizedToday),
      unrealizedPnl: roundMoney(v.positions.reduce((s, p) => s + p.unrealizedPnl, 0)),
      drawdown: Math.round(drawdownFromPeak(v.equity, peak) * 10_000) / 10_000,
    };
    drawdownGauge.set(snap.drawdown);
    await this.repo.upsertSnapshot(snap);
    return snap;
  }
}
