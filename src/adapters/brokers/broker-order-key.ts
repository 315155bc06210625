/** Brokers cap the length and alphabet of a client order id (Binance 36 characters, Delta Exchange 32, a Kite
 * tag 20 alphanumerics), while Tiller's ids name the reason, symbol and day in full
 * (`stop:BTC/USDT:2017-01-10:opened-2017-01-04`). The key sent to such a broker is a hash of Tiller's id:
 * the same id always gives the same key, so a resend after a timeout or a crash is recognised as the same
 * order. */
import { createHash } from 'node:crypto';

/**
 * `tl` + the first hex digits of SHA-256(clientOrderId), `length` characters in all (at most 66).
 * 30 hex digits (a 32-character key) leave a collision chance far below one in 10^30 per pair of orders.
 */
export function brokerOrderKey(clientOrderId: string, length: number): string {
  if (length < 12 || length > 66) throw new RangeError(`brokerOrderKey: length ${length} outside 12..66`);
  return `tl${createHash('sha256').update(clientOrderId).digest('hex').slice(0, length - 2)}`;
}
