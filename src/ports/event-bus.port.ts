/** Fan-out of notifications between processes: in-process by default, Redis pub/sub when REDIS_URL is set.
 * Messages are wake-up signals; the data they announce is always in PostgreSQL. */
export interface EventBus {
  publish(topic: string, message: string): Promise<void>;
  /** Subscribe; returns a function that unsubscribes. */
  subscribe(topic: string, handler: (message: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Topic on which a new outbox entry is announced. */
export const ALERTS_TOPIC = 'tiller:alerts';
