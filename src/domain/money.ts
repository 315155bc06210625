/** Decimal-safe rounding for money and prices (binary floats only between roundings). */
import { Decimal } from 'decimal.js';

/** Round an amount of money to cents. */
export function roundMoney(x: number): number {
  return new Decimal(x).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN).toNumber();
}

/** Round a price to 4 decimals (sub-cent prices exist for cheap instruments). */
export function roundPrice(x: number): number {
  return new Decimal(x).toDecimalPlaces(4, Decimal.ROUND_HALF_EVEN).toNumber();
}

/** price × qty, exact in decimal, rounded to cents. */
export function notional(price: number, qty: number): number {
  return new Decimal(price).times(qty).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN).toNumber();
}
