/** Log lines beside the console chat: time, level, message and fields, for a person; secrets still redacted. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, readableLine } from '../../src/logger.js';

describe('readable log lines', () => {
  it('turn a pino line into time, level, message and fields', () => {
    const t = new Date(2026, 11, 2, 14, 3, 7).getTime();
    expect(readableLine(JSON.stringify({ level: 40, time: t, app: 'tiller', pid: 1, hostname: 'h', msg: 'market data: yahoo did not answer', provider: 'yahoo', err: { message: 'fetch failed', stack: 'at …' } })))
      .toBe('14:03:07 WARN  market data: yahoo did not answer  provider=yahoo err=fetch failed');
    expect(readableLine(JSON.stringify({ level: 30, time: t, msg: 'job done', job: 'picks', result: { n: 5 } }))).toBe('14:03:07 INFO  job done  job=picks result={"n":5}');
    expect(readableLine('not json')).toBe('not json');
  });

  it('is what the logger writes when asked, with secrets redacted as in JSON', () => {
    let out = '';
    const sink = new Writable({ write(chunk: Buffer, _e, cb) { out += chunk.toString(); cb(); } });
    const log = createLogger('info', sink, { readable: true });
    log.info({ token: 'supersecret', port: 8080 }, 'http listening');
    log.debug('not shown at info');
    expect(out).toMatch(/^\d\d:\d\d:\d\d INFO {2}http listening {2}token=\*\*\* port=8080\n$/);
  });
});
