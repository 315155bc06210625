/** Structured logging with pino: one line per event; secrets are redacted by path. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino({
    level,
    base: { app: 'tiller' },
    redact: { paths: ['token', '*.token', 'password', '*.password', 'databaseUrl', 'redisUrl', 'headers.authorization'], censor: '***' },
  }, pino.destination({ fd: destination === process.stdout ? 1 : 2, sync: false }));
}
