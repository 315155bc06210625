/**
 * Typed errors decide behaviour:
 * - UserError: bad input; the user gets the message as a clear reply.
 * - TemporaryError: may succeed later; retry with backoff.
 * - OperationalError: stop the job and alert the operator.
 * - ConfigError: stop start-up, naming the key.
 */
export class TillerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input from a user: answered with the message, never retried, never a stack trace in chat. */
export class UserError extends TillerError {}

/** What was asked for does not exist (a day without picks, an unknown backtest id). */
export class NotFoundError extends UserError {}

/** The caller lacks the role for a command. */
export class ForbiddenError extends UserError {}

/** A failure that may go away (network, rate limit, lock): retry with backoff. */
export class TemporaryError extends TillerError {}

/** A failure an operator must look at: the job stops and an alert is raised. */
export class OperationalError extends TillerError {}

/** Invalid configuration: start-up stops with this message. */
export class ConfigError extends TillerError {}

/** Node's codes for a connection that failed or broke, and PostgreSQL's SQLSTATEs for a server that is
 * shutting down, starting, or whose connection failed (class 08 and 57P0x). */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

/** True when an error says the database cannot be reached (down, restarting, connection lost), as opposed to
 * a query that failed: the caller answers "unavailable" and carries on; the pool reconnects when it is back. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; errors?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  if (Array.isArray(e.errors) && e.errors.some(isDatabaseUnavailable)) return true; // AggregateError (IPv4 and IPv6 both refused)
  const m = typeof e.message === 'string' ? e.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down)/i.test(m);
}

/** True when retrying could help. */
export function isRetryable(err: unknown): boolean {
  return err instanceof TemporaryError;
}

/** The remote side asked us to slow down; retry after the given number of seconds. */
export class RateLimitedError extends TemporaryError {
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/** A pipeline step failed after its retries; the message names the step, the cause is kept. */
export class PipelineStepError extends OperationalError {
  constructor(readonly step: string, cause: unknown) {
    super(`pipeline step ${step} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
