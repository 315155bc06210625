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
