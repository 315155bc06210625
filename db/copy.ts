/** COPY in text format through pg-copy-streams, for prepared lines (the bench's baseline of PostgreSQL's own
 * bulk-load speed). Tiller's own bulk writes use the binary format (copy-binary.ts). One COPY is atomic. */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

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
