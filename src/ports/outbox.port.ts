import type { BotEvent } from '../domain/types.js';

/** One delivery of an alert to one chat. */
export interface PendingDelivery {
  id: number;
  transport: string;
  chatId: string;
  event: BotEvent;
  attempts: number;
  /** Deliver without a notification sound (the chat set this alert type to `silent`). */
  silent: boolean;
}

/** One chat that receives an alert; `silent` delivers it without a notification. */
export interface DeliveryTarget {
  transport: string;
  chatId: string;
  silent?: boolean;
}

/** Alerts are written here first and delivered from here: at least once, deduplicated by key. */
export interface OutboxRepository {
  /** Store an event for the given targets; false when the dedupe key exists (nothing stored). */
  enqueue(event: BotEvent, dedupeKey: string, targets: readonly DeliveryTarget[]): Promise<boolean>;
  /** Claim the deliveries due now, oldest first, at most one per chat to keep order (a chat whose oldest is
   * claimed by someone else waits); only `transport`'s when given. Claimed rows are this caller's alone to send
   * until marked, or until their claim is older than `staleAfterMs` (the claimer died): then they are due again. */
  due(now: Date, limit: number, transport?: string, staleAfterMs?: number): Promise<PendingDelivery[]>;
  /** Record a delivery as sent. */
  markDelivered(id: number, at: Date): Promise<void>;
  /** Record a failed attempt: tried again at `nextAttemptAt`, or given up when null. */
  markFailed(id: number, error: string, nextAttemptAt: Date | null): Promise<void>;
  /** Deliveries not yet sent nor given up. */
  countPending(): Promise<number>;
}
