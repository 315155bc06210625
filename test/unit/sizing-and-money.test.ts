import { describe, expect, it } from 'vitest';
import { notional, roundMoney } from '../../src/domain/money.js';
import { fixedFractionQty } from '../../src/trading/sizing.js';

describe('fixed-fraction sizing', () => {
  const base = { equity: 100_000, cash: 100_000, price: 50, fraction: 0.1, slippageBps: 0, feePerOrder: 0, feeBps: 0 };
  it('spends the fraction of equity in whole units', () => {
    expect(fixedFractionQty(base)).toBe(200);
    expect(fixedFractionQty({ ...base, price: 33 })).toBe(303);
  });
  it('counts slippage and fees, and never spends more cash than there is', () => {
    expect(fixedFractionQty({ ...base, slippageBps: 100 })).toBe(198); // 10,000 / 50.5
    expect(fixedFractionQty({ ...base, cash: 1_000, feePerOrder: 1 })).toBe(19); // (1,000 - 1) / 50
    expect(fixedFractionQty({ ...base, cash: 0.5 })).toBe(0);
    expect(fixedFractionQty({ ...base, price: 0 })).toBe(0);
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
