/** Fan-out of notifications between processes: in-process by default, Redis pub/sub when REDIS_URL is set.
 * Messages are wake-up signals; the data they announce is always in PostgreSQL. */
export interface EventBus {
  /** Send `message` to every subscriber of `topic` (in any process sharing the bus). */
  publish(topic: string, message: string): Promise<void>;
  /** Subscribe; returns a function that unsubscribes. */
  subscribe(topic: string, handler: (message: string) => void): Promise<() => Promise<void>>;
  /** Close the connection and drop every subscription. */
  close(): Promise<void>;
}

/** Topic on which a new outbox entry is announced. */
export const ALERTS_TOPIC = 'tiller:alerts';
