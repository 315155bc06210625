/** A small key-value cache with expiry: in-process by default, Redis when REDIS_URL is set. */
export interface Cache {
  /** The value at `key`, or null when absent or expired. */
  get(key: string): Promise<string | null>;
  /** Store a value for ttlSeconds. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Read and remove in one step; null when absent or expired. Used for one-shot confirmations. */
  take(key: string): Promise<string | null>;
  /** Resolves when the cache is reachable. */
  probe(): Promise<void>;
  /** Close the connection. */
  close(): Promise<void>;
}
