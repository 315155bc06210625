/** Fixed-fraction position sizing: spend `fraction` of equity, whole units only, never more than the cash
 * (including slippage and fees) allows. */
export interface SizingInput {
  equity: number;
  cash: number;
  price: number;
  fraction: number;
  slippageBps: number;
  feePerOrder: number;
  feeBps: number;
}

export function fixedFractionQty(i: SizingInput): number {
  if (i.price <= 0 || i.equity <= 0) return 0;
  const costPerUnit = i.price * (1 + i.slippageBps / 10_000) * (1 + i.feeBps / 10_000);
  const budget = Math.min(i.equity * i.fraction, i.cash - i.feePerOrder);
  return budget <= 0 ? 0 : Math.max(0, Math.floor(budget / costPerUnit));
}
