/** Delivers alerts from the outbox to chats: at least once, in order per chat, with retries and backoff.
 * Woken by the event bus when an alert is raised and by a poll timer (for alerts raised by other
 * processes, and for retries). Each transport registers a sender and gets a lane of its own, with its own
 * rate limits, so a transport that is down or slow never delays another. Delivery runs in wall time, also
 * during a replay: the chats live in real time. */
import { RateLimitedError } from '../domain/errors.js';
import type { BotEvent } from '../domain/types.js';
import { ALERTS_TOPIC, type EventBus } from '../ports/event-bus.port.js';
import type { OutboxRepository, PendingDelivery } from '../ports/repositories.port.js';
import type { SentJournal } from './sent-journal.js';
import { alertsDeliveredTotal, chatRateLimitedTotal } from '../../monitoring/metrics.js';
import { RateGate, type RateLimits } from './rate-gate.js';

/** How to deliver one alert: `silent` = without a notification sound. */
export interface DeliveryOptions {
  silent: boolean;
}

/** Sends one alert to one chat of a transport; throws on failure. */
export type AlertSender = (chatId: string, event: BotEvent, opts: DeliveryOptions) => Promise<void>;

export interface DispatcherLogger {
  warn(obj: object, msg: string): void;
}

/** One transport's delivery loop. */
class Lane {
  private running: Promise<void> | null = null;
  private again = false;
  private readonly gate: RateGate;
  /** Deliveries sent whose `delivered` mark did not reach the database (it was down): marked first on the next
   * pass, never sent again (their claim keeps them from being sent by anyone while it is fresh). */
  private readonly unmarked = new Map<number, Date>();

  constructor(
    private readonly transport: string,
    private readonly send: AlertSender,
    limits: RateLimits,
    private readonly outbox: OutboxRepository,
    private readonly maxAttempts: number,
    private readonly log: DispatcherLogger,
    private readonly journal: SentJournal | null,
  ) {
    this.gate = new RateGate(limits);
  }

  /** Run a delivery pass now (or right after the current one). */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          while ((await this.pass()) > 0);
        } while (this.again);
      } catch (err) {
        this.log.warn({ err, transport: this.transport }, 'alert delivery pass failed');
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** No pass running and every send recorded: nothing noted in the journal is still needed by this lane. */
  quiet(): boolean {
    return this.running === null && this.unmarked.size === 0;
  }

  /** One pass over this transport's due deliveries (one per chat); returns how many were delivered. */
  private async pass(): Promise<number> {
    for (const [id, at] of this.unmarked) {
      await this.outbox.markDelivered(id, at);
      this.unmarked.delete(id);
    }
    const due = await this.outbox.due(new Date(), 50, this.transport);
    let delivered = 0;
    await Promise.all(due.map(async (d) => {
      try {
        await this.gate.wait(d.chatId);
        await this.send(d.chatId, d.event, { silent: d.silent });
      } catch (err) {
        await this.failed(d, err);
        return;
      }
      const at = new Date();
      this.journal?.sent(d.id, at);
      alertsDeliveredTotal.inc({ transport: d.transport, result: 'delivered' });
      delivered++;
      try {
        await this.outbox.markDelivered(d.id, at);
      } catch (err) {
        this.unmarked.set(d.id, at);
        this.log.warn({ err, transport: d.transport, chatId: d.chatId }, 'alert sent; its delivery is recorded once the database answers');
      }
    }));
    return delivered;
  }

  /** A send failed: retried after a backoff (or retry-after), or given up after the last attempt. */
  private async failed(d: PendingDelivery, err: unknown): Promise<void> {
    const attempt = d.attempts + 1;
    const retryAfterSeconds = err instanceof RateLimitedError ? err.retryAfterSeconds : undefined;
    if (retryAfterSeconds !== undefined) chatRateLimitedTotal.inc({ transport: d.transport });
    const backoff = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : Math.min(60_000, 500 * 2 ** (attempt - 1));
    const next = attempt >= this.maxAttempts ? null : new Date(new Date().getTime() + backoff);
    await this.outbox.markFailed(d.id, err instanceof Error ? err.message : String(err), next);
    alertsDeliveredTotal.inc({ transport: d.transport, result: next ? 'retry' : 'failed' });
    this.log.warn({ transport: d.transport, chatId: d.chatId, attempt, err }, 'alert delivery failed');
  }
}

export class AlertDispatcher {
  private readonly lanes = new Map<string, Lane>();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => Promise<void>) | null = null;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly bus: EventBus,
    private readonly opts: { pollMs: number; maxAttempts: number },
    private readonly log: DispatcherLogger,
    /** Where sends are noted before they are recorded (none: a send not recorded may be sent again). */
    private readonly journal: SentJournal | null = null,
  ) {}

  /** Deliver `transport`'s alerts with `send`, spaced to the platform's `limits` (none by default). */
  register(transport: string, send: AlertSender, limits: RateLimits = { perSecond: 0, perChatMs: 0 }): void {
    this.lanes.set(transport, new Lane(transport, send, limits, this.outbox, this.opts.maxAttempts, this.log, this.journal));
  }

  /** Record the sends an earlier run of this process noted but did not record (it died, or the database
   * dropped), so they are never sent again; then start delivering. */
  async start(): Promise<void> {
    const noted = this.journal?.entries() ?? [];
    try {
      for (const n of noted) await this.outbox.markDelivered(n.id, n.at);
      if (noted.length > 0) this.log.warn({ recorded: noted.length }, 'alerts sent before the last stop are now recorded as delivered');
      this.journal?.clear();
    } catch (err) {
      this.log.warn({ err }, 'alerts sent before the last stop could not be recorded yet; they are not sent again while their claim is fresh');
    }
    this.unsubscribe = await this.bus.subscribe(ALERTS_TOPIC, () => void this.kick());
    this.timer = setInterval(() => void this.kick(), this.opts.pollMs);
    void this.kick();
  }

  /** Run a delivery pass of every lane now; resolves when all have finished. */
  async kick(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((l) => l.kick()));
    // Checked at one instant: with every lane quiet, all noted sends are recorded, so the journal stays small.
    if (this.journal && [...this.lanes.values()].every((l) => l.quiet())) this.journal.clear();
  }

  /** Deliver until nothing is due or `timeoutMs` passes; returns the number still pending. */
  async flush(timeoutMs: number): Promise<number> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      // A lane stuck on a slow transport must not hold the flush past its deadline.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise((r) => (timer = setTimeout(r, Math.max(0, until - Date.now()))));
      try {
        await Promise.race([this.kick(), deadline]);
      } finally {
        clearTimeout(timer); // a pending deadline timer would keep the process alive after a replay
      }
      const pending = await this.outbox.countPending();
      if (pending === 0) return 0;
      await new Promise((r) => setTimeout(r, 100));
    }
    return this.outbox.countPending();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.unsubscribe) await this.unsubscribe();
    await Promise.all([...this.lanes.values()].map((l) => l.idle()));
  }
}
