/** Position sizing. The method gives a budget (fixed fraction of equity, half-Kelly from the recorded win
 * rate and payoff, or volatility-scaled so the ATR stop risks a set share of equity); caps per position,
 * per sector and on gross exposure, and the buying power, then cut it. Quantities are whole multiples of the market's
 * quantity step (1 share for equities, a fraction of a coin for crypto). */
import { Decimal } from 'decimal.js';
import type { ClosedTrade } from '../domain/types.js';
import type { RiskLimits } from './risk-limits.js';

export interface SizingInput {
  limits: Pick<RiskLimits, 'sizing' | 'caps'>;
  equity: number;
  /** Cash available for the order (buying power). */
  cash: number;
  price: number;
  /** Distance from entry to the stop, per unit (for atr sizing). */
  stopDistance: number;
  /** Value of open positions, all and in the candidate's sector. */
  exposure: number;
  sectorExposure: number;
  /** Recorded closed trades, for half-Kelly. */
  history: readonly ClosedTrade[];
  /** Costs that make a unit dearer than its price: slippage and proportional fees (bps), fixed fee. */
  costBps: number;
  feePerOrder: number;
  /** Smallest tradable quantity increment: 1 for shares, e.g. 0.00001 for BTC. */
  quantityStep: number;
}

export interface SizingResult {
  qty: number;
  /** The fraction of equity the method asked for. */
  fraction: number;
  /** What limited the size, in the order applied, e.g. "method", "max position", "sector cap". */
  limitedBy: string;
  note: string | null;
}

/** Half-Kelly from a trade history: 0.5 × (W − (1 − W) / R), R = average win / average loss. Null while the
 * history is too short or has no losses or no wins to estimate from. */
export function halfKelly(history: readonly ClosedTrade[], minTrades: number): { fraction: number; winRate: number; payoff: number } | null {
  if (history.length < minTrades) return null;
  const wins = history.filter((t) => t.pnl > 0);
  const losses = history.filter((t) => t.pnl <= 0);
  if (wins.length === 0 || losses.length === 0) return null;
  const avgWin = wins.reduce((s, t) => s + t.pnl, 0) / wins.length;
  const avgLoss = -losses.reduce((s, t) => s + t.pnl, 0) / losses.length;
  if (avgLoss <= 0) return null;
  const winRate = wins.length / history.length;
  const payoff = avgWin / avgLoss;
  return { fraction: 0.5 * (winRate - (1 - winRate) / payoff), winRate, payoff };
}

export function sizePosition(i: SizingInput): SizingResult {
  const { sizing, caps } = i.limits;
  if (i.price <= 0 || i.equity <= 0) return { qty: 0, fraction: 0, limitedBy: 'no equity or price', note: null };
  let fraction = sizing.positionFraction;
  let note: string | null = null;
  if (sizing.method === 'half_kelly') {
    const k = halfKelly(i.history, sizing.kellyMinTrades);
    if (!k) note = `half-Kelly needs ${sizing.kellyMinTrades} closed trades with wins and losses; fixed fraction used`;
    else {
      fraction = Math.min(Math.max(k.fraction, 0), sizing.kellyMaxFraction);
      note = `half-Kelly ${(k.fraction * 100).toFixed(1)} % (win rate ${(k.winRate * 100).toFixed(0)} %, payoff ${k.payoff.toFixed(2)})`;
      if (fraction <= 0) return { qty: 0, fraction: 0, limitedBy: 'half-Kelly sees no edge', note };
    }
  } else if (sizing.method === 'atr') {
    if (!(i.stopDistance > 0)) return { qty: 0, fraction: 0, limitedBy: 'no stop distance for atr sizing', note: null };
    fraction = (i.equity * sizing.riskPerTradePct) / i.stopDistance * i.price / i.equity;
  }
  const budgets: Array<[string, number]> = [
    ['method', i.equity * fraction],
    ['max position', i.equity * caps.maxPositionPct],
    ['sector cap', i.equity * caps.maxSectorPct - i.sectorExposure],
    ['gross exposure cap', i.equity * caps.maxGrossExposurePct - i.exposure],
    ['cash', i.cash - i.feePerOrder],
  ];
  let [limitedBy, budget] = budgets[0]!;
  for (const [name, b] of budgets.slice(1)) {
    if (b < budget) [limitedBy, budget] = [name, b];
  }
  const costPerUnit = i.price * (1 + i.costBps / 10_000);
  const qty = budget <= 0 ? 0 : floorToStep(budget / costPerUnit, i.quantityStep);
  return { qty, fraction, limitedBy, note };
}

/** The largest multiple of `step` not above `x`, exact in decimal (0.3 / 0.1 steps give 3 steps, not 2). */
export function floorToStep(x: number, step: number): number {
  if (!(x > 0)) return 0;
  const d = new Decimal(step);
  return new Decimal(x).dividedToIntegerBy(d).times(d).toNumber();
}
