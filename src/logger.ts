/** Structured logging with pino: one line per event; secrets are redacted by path. Beside the console chat the
 * lines are written for a person instead (`readable`): time, level, message and the fields, one line each. */
import { pino, type Logger } from 'pino';

export type { Logger };

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const QUIET_FIELDS = new Set(['level', 'time', 'msg', 'app', 'pid', 'hostname']);

/** One pino JSON line as a person reads it: `14:03:07 WARN  message  key=value …` (local time). */
export function readableLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const t = new Date(typeof o.time === 'number' ? o.time : Date.now());
  const hhmmss = [t.getHours(), t.getMinutes(), t.getSeconds()].map((x) => String(x).padStart(2, '0')).join(':');
  const fields = Object.entries(o).filter(([k]) => !QUIET_FIELDS.has(k)).map(([k, v]) => {
    const shown = v !== null && typeof v === 'object' && 'message' in v ? String((v as { message: unknown }).message) : typeof v === 'string' ? v : JSON.stringify(v);
    return `${k}=${shown.length > 160 ? `${shown.slice(0, 157)}...` : shown}`;
  });
  return `${hhmmss} ${(LEVELS[o.level as number] ?? String(o.level)).padEnd(5)} ${String(o.msg ?? '')}${fields.length ? `  ${fields.join(' ')}` : ''}`;
}

export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr, opts: { readable?: boolean } = {}): Logger {
  const options = {
    level,
    base: { app: 'tiller' },
    redact: { paths: ['token', '*.token', 'password', '*.password', 'databaseUrl', 'redisUrl', 'headers.authorization'], censor: '***' },
  };
  if (opts.readable) {
    return pino(options, { write: (line: string) => void destination.write(`${readableLine(line)}\n`) });
  }
  return pino(options, pino.destination({ fd: destination === process.stdout ? 1 : 2, sync: false }));
}
