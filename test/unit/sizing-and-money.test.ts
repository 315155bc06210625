import { describe, expect, it } from 'vitest';
import { notional, roundMoney } from '../../src/domain/money.js';
import type { ClosedTrade } from '../../src/domain/types.js';
import { floorToStep, halfKelly, sizePosition, type SizingInput } from '../../src/trading/sizing.js';

const trade = (pnl: number): ClosedTrade => ({
  symbol: 'X', qty: 1, entryPrice: 1, exitPrice: 1, pnl, reason: 'stop', openedDay: '2017-01-03', closedDay: '2017-01-04', profile: null, model: null, closedAt: new Date(0),
});

const base: SizingInput = {
  limits: {
    sizing: { method: 'fixed_fraction', positionFraction: 0.1, riskPerTradePct: 0.01, kellyMinTrades: 10, kellyMaxFraction: 0.25 },
    caps: { maxPositionPct: 0.2, maxSectorPct: 0.4, maxGrossExposurePct: 1, maxEntriesPerWeek: 20 },
  },
  equity: 100_000, cash: 100_000, price: 50, stopDistance: 2, exposure: 0, sectorExposure: 0, history: [], costBps: 0, feePerOrder: 0, quantityStep: 1,
};
const withSizing = (s: Partial<SizingInput['limits']['sizing']>): SizingInput => ({ ...base, limits: { ...base.limits, sizing: { ...base.limits.sizing, ...s } } });

describe('position sizing', () => {
  it('fixed fraction spends the fraction of equity in whole units, counting costs and the fixed fee', () => {
    expect(sizePosition(base)).toMatchObject({ qty: 200, limitedBy: 'method' });
    expect(sizePosition({ ...base, price: 33 }).qty).toBe(303);
    expect(sizePosition({ ...base, costBps: 100 }).qty).toBe(198); // 10,000 / 50.5
    expect(sizePosition({ ...base, cash: 1_000, feePerOrder: 1 })).toMatchObject({ qty: 19, limitedBy: 'cash' }); // (1,000 - 1) / 50
    expect(sizePosition({ ...base, cash: 0.5 }).qty).toBe(0);
    expect(sizePosition({ ...base, price: 0 }).qty).toBe(0);
  });

  it('crypto sizes in fractions of a coin, floored to the quantity step in exact decimal', () => {
    // 10 % of 100,000 at 43,210.55 per BTC = 0.231424... BTC → 0.23142 in 0.00001 steps
    expect(sizePosition({ ...base, price: 43_210.55, quantityStep: 0.00001 }).qty).toBe(0.23142);
    expect(sizePosition({ ...base, price: 43_210.55 }).qty).toBe(0); // whole units: not even one
    expect(floorToStep(0.3, 0.1)).toBe(0.3); // binary floats would give 0.2
    expect(floorToStep(7.99, 0.5)).toBe(7.5);
    expect(floorToStep(-1, 0.1)).toBe(0);
  });

  it('atr sizing risks riskPerTradePct of equity at the stop', () => {
    // 1 % of 100,000 = 1,000 at risk; stop 2 below entry → 500 shares (25,000) → capped at 20 % = 400 shares
    expect(sizePosition(withSizing({ method: 'atr' }))).toMatchObject({ qty: 400, limitedBy: 'max position' });
    // stop 5 below: 200 shares, 10,000, under every cap
    expect(sizePosition({ ...withSizing({ method: 'atr' }), stopDistance: 5 })).toMatchObject({ qty: 200, limitedBy: 'method' });
    expect(sizePosition({ ...withSizing({ method: 'atr' }), stopDistance: 0 }).qty).toBe(0);
  });

  it('half-Kelly uses the recorded win rate and payoff, falls back while the record is short, and stops without an edge', () => {
    // 6 wins of 300, 4 losses of 100: W 0.6, R 3 → Kelly 0.6 - 0.4/3 = 0.4667, half 0.2333 → capped by max position 0.2
    const good = [...Array(6).fill(300), ...Array(4).fill(-100)].map(trade);
    expect(halfKelly(good, 10)!.fraction).toBeCloseTo(0.23333, 4);
    expect(sizePosition({ ...withSizing({ method: 'half_kelly' }), history: good })).toMatchObject({ qty: 400, limitedBy: 'max position' });
    expect(sizePosition({ ...withSizing({ method: 'half_kelly', kellyMaxFraction: 0.15 }), history: good }).qty).toBe(300);
    // too few trades: the fixed fraction, with a note saying so
    const short = sizePosition({ ...withSizing({ method: 'half_kelly' }), history: good.slice(0, 5) });
    expect(short.qty).toBe(200);
    expect(short.note).toMatch(/needs 10 closed trades/);
    // 3 wins of 100, 7 losses of 100: negative edge → no entry
    const bad = [...Array(3).fill(100), ...Array(7).fill(-100)].map(trade);
    expect(sizePosition({ ...withSizing({ method: 'half_kelly' }), history: bad })).toMatchObject({ qty: 0, limitedBy: 'half-Kelly sees no edge' });
  });

  it('caps by sector and by gross exposure', () => {
    expect(sizePosition({ ...base, sectorExposure: 35_000 })).toMatchObject({ qty: 100, limitedBy: 'sector cap' }); // 40,000 - 35,000
    expect(sizePosition({ ...base, exposure: 97_500 })).toMatchObject({ qty: 50, limitedBy: 'gross exposure cap' });
    expect(sizePosition({ ...base, exposure: 100_000 }).qty).toBe(0);
  });
});

describe('money', () => {
  it('rounds half to even at cents and multiplies exactly', () => {
    expect(roundMoney(0.125)).toBe(0.12);
    expect(roundMoney(0.135)).toBe(0.14);
    expect(notional(0.1, 3)).toBe(0.3);
    expect(notional(19.99, 7)).toBe(139.93);
  });
});
