/** Validation of raw provider rows: a row either becomes a Candle or is quarantined with a reason. */
import type { Candle, RawCandle } from '../domain/types.js';

export interface Rejected {
  raw: RawCandle;
  reason: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function isNum(v: number | null): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Why this row cannot be stored, or null when it is valid. */
export function rejectReason(r: RawCandle): string | null {
  if (!DAY.test(r.day) || Number.isNaN(Date.parse(`${r.day}T00:00:00Z`))) return 'invalid date';
  const missing = (['open', 'high', 'low', 'close', 'volume'] as const).filter((k) => !isNum(r[k]));
  if (missing.length > 0) return `empty or non-numeric field: ${missing.join(', ')}`;
  const { open, high, low, close, volume } = r as Candle;
  if (open <= 0 || high <= 0 || low <= 0 || close <= 0) return 'non-positive price';
  if (volume < 0) return 'negative volume';
  if (high < low) return 'high below low';
  if (close > high || close < low) return 'close outside [low, high]';
  if (open > high || open < low) return 'open outside [low, high]';
  return null;
}

/** Split rows into valid candles (oldest first, one per day) and rejected rows with reasons. */
export function validateCandles(rows: RawCandle[]): { valid: Candle[]; rejected: Rejected[] } {
  const valid: Candle[] = [];
  const rejected: Rejected[] = [];
  let lastDay = '';
  for (const raw of rows) {
    const reason = rejectReason(raw);
    if (reason) {
      rejected.push({ raw, reason });
      continue;
    }
    if (raw.day === lastDay) {
      rejected.push({ raw, reason: 'duplicate date' });
      continue;
    }
    if (raw.day < lastDay) {
      rejected.push({ raw, reason: 'out-of-order date' });
      continue;
    }
    lastDay = raw.day;
    valid.push(raw as Candle);
  }
  return { valid, rejected };
}
