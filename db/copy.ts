/** Bulk loading with PostgreSQL's COPY (text format) through pg-copy-streams: many times faster than
 * INSERT for the pipeline's large, append-only writes. One COPY statement is atomic. */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** A value in COPY text format: \N for null, special characters escaped. */
export function copyValue(v: string | number | null | undefined): string {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '\\N';
  if (typeof v === 'number') return String(v);
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** COPY `lines` (each a tab-separated row ending in a newline) into `table (columns)`. */
export async function copyLines(pool: pg.Pool, table: string, columns: readonly string[], lines: Iterable<string>): Promise<void> {
  const client = await pool.connect();
  try {
    const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
    await pipeline(Readable.from(batched(lines)), stream);
  } finally {
    client.release();
  }
}

/** Joins lines into chunks of about 1 MB so the stream is not fed one tiny string at a time. */
function* batched(lines: Iterable<string>): Generator<string> {
  let buf = '';
  for (const l of lines) {
    buf += l;
    if (buf.length > 1_000_000) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}
