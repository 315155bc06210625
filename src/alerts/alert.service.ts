/** Raising alerts: each event is written to the outbox (deduplicated by key) for every alert chat that has
 * not turned its type off (silently where the chat asked for that), then announced on the event bus so
 * delivery starts at once. Delivery happens in the transports. */
import type { BotEvent } from '../domain/types.js';
import { ALERTS_TOPIC, type EventBus } from '../ports/event-bus.port.js';
import type { DeliveryTarget, OutboxRepository, SubscriptionRepository } from '../ports/repositories.port.js';
import { alertsRaisedTotal } from '../../monitoring/metrics.js';

/** One chat that receives alerts. */
export interface AlertTarget {
  transport: string;
  chatId: string;
}

export class AlertService {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly bus: EventBus,
    private readonly targets: () => AlertTarget[],
    private readonly subscriptions: Pick<SubscriptionRepository, 'forType'>,
  ) {}

  /**
   * Record an alert once. The dedupe key names the fact (e.g. `trade_opened:entry:AAPL:2017-01-04`), so a
   * retried or replayed step that raises the same fact again stores nothing new.
   * @returns false when the key was already known.
   */
  async raise(event: BotEvent, dedupeKey: string): Promise<boolean> {
    const stored = await this.outbox.enqueue(event, dedupeKey, await this.deliveryTargets(event.type));
    if (stored) alertsRaisedTotal.inc({ type: event.type });
    if (stored) await this.bus.publish(ALERTS_TOPIC, dedupeKey);
    return stored;
  }

  /** The alert chats, less those that turned this type off; `silent` where they asked for no sound. */
  private async deliveryTargets(type: BotEvent['type']): Promise<DeliveryTarget[]> {
    const modes = await this.subscriptions.forType(type);
    const out: DeliveryTarget[] = [];
    for (const t of this.targets()) {
      const mode = modes.get(`${t.transport}:${t.chatId}`) ?? 'on';
      if (mode !== 'off') out.push({ ...t, silent: mode === 'silent' });
    }
    return out;
  }
}
