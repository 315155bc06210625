/** PostgreSQL's binary COPY format, written straight into Buffers: no text formatting per cell (a
 * `String(double)` per cell cost more than the COPY itself) and no float parsing on the server.
 * Layout: the signature and header, then per row a field count and per field a length (-1 = NULL) and the
 * value in network byte order, then -1 as the trailer. */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { epochDayOf } from '../src/market/market-time.js';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const CHUNK = 1 << 20;
/** Days from 1970-01-01 to PostgreSQL's epoch 2000-01-01. */
const PG_EPOCH_DAYS = 10_957;

/** Fills 1 MB chunks with rows through a DataView (big-endian by default); `chunks()` hands them to COPY. */
export class BinaryCopyWriter {
  private buf = Buffer.allocUnsafe(CHUNK);
  private view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  private at = 0;
  private readonly done: Buffer[] = [];

  constructor() {
    SIGNATURE.copy(this.buf, 0);
    this.view.setInt32(11, 0); // flags
    this.view.setInt32(15, 0); // header extension length
    this.at = 19;
  }

  /** Start a row of `fields` fields; `maxBytes` bounds its encoded size so it never straddles chunks. */
  row(fields: number, maxBytes: number): void {
    if (this.at + maxBytes + 2 > this.buf.length) this.flush(maxBytes + 2);
    this.view.setInt16(this.at, fields);
    this.at += 2;
  }

  /** A float8, or NULL when not finite (nothing non-finite reaches the database). */
  float8(v: number): void {
    if (v - v === 0) {
      this.view.setInt32(this.at, 8);
      this.view.setFloat64(this.at + 4, v);
      this.at += 12;
    } else {
      this.view.setInt32(this.at, -1);
      this.at += 4;
    }
  }

  /** An int4. */
  int4(v: number): void {
    this.view.setInt32(this.at, 4);
    this.view.setInt32(this.at + 4, v);
    this.at += 8;
  }

  /** A date from 'YYYY-MM-DD'; a day that is not on the calendar (2017-11-31) is an error, never rolled over. */
  date(day: string): void {
    const epochDay = epochDayOf(day);
    if (epochDay === null) throw new RangeError(`not a calendar date: ${day}`);
    this.view.setInt32(this.at, 4);
    this.view.setInt32(this.at + 4, epochDay - PG_EPOCH_DAYS);
    this.at += 8;
  }

  /** A text value (UTF-8). */
  text(s: string): void {
    const len = this.buf.write(s, this.at + 4, 'utf8');
    this.view.setInt32(this.at, len);
    this.at += 4 + len;
  }

  /** A bytea value. */
  bytes(b: Uint8Array): void {
    this.view.setInt32(this.at, b.byteLength);
    this.buf.set(b, this.at + 4);
    this.at += 4 + b.byteLength;
  }

  /** Every chunk, ending with the trailer. */
  chunks(): Buffer[] {
    if (this.at + 2 > this.buf.length) this.flush(2);
    this.view.setInt16(this.at, -1);
    this.at += 2;
    this.done.push(this.buf.subarray(0, this.at));
    return this.done;
  }

  private flush(need: number): void {
    this.done.push(this.buf.subarray(0, this.at));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK, need));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.at = 0;
  }
}

/** COPY binary `chunks` (from {@link BinaryCopyWriter.chunks}) into `table (columns)`: one statement, atomic. */
export async function copyBinary(pool: pg.Pool, table: string, columns: readonly string[], chunks: Buffer[]): Promise<void> {
  const client = await pool.connect();
  try {
    await copyBinaryOn(client, table, columns, chunks);
  } finally {
    client.release();
  }
}

/** Run `work` in one transaction on a connection of its own (for COPY, which needs the client itself):
 * committed when it returns, rolled back when it throws. */
export async function inClientTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const out = await work(client);
    await client.query('commit');
    return out;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** The same on a connection the caller holds (inside its transaction, into its temporary tables). */
export async function copyBinaryOn(client: pg.PoolClient, table: string, columns: readonly string[], chunks: Buffer[]): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN (FORMAT binary)`));
  await pipeline(Readable.from(chunks), stream);
}

/** Run `COPY (query) TO STDOUT (FORMAT binary)` and return the whole output. */
export async function copyOutBinary(pool: pg.Pool, query: string): Promise<Buffer> {
  const client = await pool.connect();
  try {
    const parts: Buffer[] = [];
    const stream = client.query(copyTo(`COPY (${query}) TO STDOUT (FORMAT binary)`));
    for await (const chunk of stream) parts.push(chunk as Buffer);
    return Buffer.concat(parts);
  } finally {
    client.release();
  }
}

/** Reads the tuples of a binary COPY output: `next()` moves to the next row (false at the trailer), then the
 * field readers take the row's fields in order. */
export class BinaryCopyReader {
  private readonly view: DataView;
  private at = 19;

  constructor(private readonly buf: Buffer) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (buf.length < 19 || !buf.subarray(0, 11).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
    this.at = 19 + this.view.getInt32(15);
  }

  next(): boolean {
    if (this.at + 2 > this.buf.length) return false;
    const fields = this.view.getInt16(this.at);
    this.at += 2;
    return fields !== -1;
  }

  /** A float8 field; NaN for NULL. */
  float8(): number {
    const len = this.view.getInt32(this.at);
    this.at += 4;
    if (len < 0) return Number.NaN;
    const v = this.view.getFloat64(this.at);
    this.at += len;
    return v;
  }

  /** An int4 field; NaN for NULL. */
  int4(): number {
    const len = this.view.getInt32(this.at);
    this.at += 4;
    if (len < 0) return Number.NaN;
    const v = this.view.getInt32(this.at);
    this.at += len;
    return v;
  }

  /** A date field as an ISO day (YYYY-MM-DD); null for NULL. The strings are shared: the same day read
   * twice (or from another symbol) is the same string, so a long read allocates one string per distinct day. */
  date(): string | null {
    const n = this.int4();
    return Number.isNaN(n) ? null : isoDay(n);
  }

  /** Skip one field of any type. */
  skip(): void {
    const len = this.view.getInt32(this.at);
    this.at += 4 + Math.max(len, 0);
  }

  /** A text field read as Latin-1 (symbols and ISO dates); null for NULL. */
  text(): string | null {
    const len = this.view.getInt32(this.at);
    this.at += 4;
    if (len < 0) return null;
    const s = this.buf.toString('latin1', this.at, this.at + len);
    this.at += len;
    return s;
  }
}

const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const dayStrings = new Map<number, string>();

/** The ISO day of a PostgreSQL binary date (days since 2000-01-01), from a shared cache. */
function isoDay(n: number): string {
  let s = dayStrings.get(n);
  if (s === undefined) {
    s = new Date(PG_EPOCH_MS + n * 86_400_000).toISOString().slice(0, 10);
    dayStrings.set(n, s);
  }
  return s;
}
