import { BAR_FIELDS, type BarColumns } from '../../domain/types.js';
import { clip } from '../../domain/text.js';
/** A small RFC 4180 CSV reader: quoted fields, doubled quotes, CRLF. Enough for provider files. Text
 * without any quote (every OHLCV file) takes a fast path of plain splits. */
export function parseCsv(text: string): string[][] {
  if (!text.includes('"')) return text.split(/\r?\n/).filter((l) => l !== '').map((l) => l.split(','));
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** A number from a CSV cell; null when empty or not a number. */
export function numberOrNull(cell: string | undefined): number | null {
  if (cell === undefined || cell === '') return null;
  const n = Number(cell);
  // Number() reads a blank cell as 0: only then is it worth trimming (once per bar, every cell).
  if (n === 0 && cell.trim() === '') return null;
  return Number.isFinite(n) ? n : null;
}

/** Powers of ten that are exact doubles (10^0 … 10^22). */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** The cell text[a, b) as a number, NaN when empty or not a finite number: the same value as
 * {@link numberOrNull}. A plain decimal ("123", "-4.5") is read from its digits without a substring, and
 * exactly: an integer below 2^53 divided by an exact power of ten is one correctly rounded division, the
 * value Number() gives. Anything else (exponents, spaces, long digit strings) goes through Number(). */
export function cellNumber(text: string, a: number, b: number): number {
  let i = a;
  const negative = i < b && text.charCodeAt(i) === 45;
  if (negative) i++;
  let mantissa = 0;
  let digits = 0;
  let decimals = -1;
  for (; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (decimals >= 0) decimals++;
    } else if (c === 46 && decimals < 0) decimals = 0;
    else break;
  }
  if (i === b && digits > 0 && digits <= 15) {
    const v = decimals > 0 ? mantissa / POW10[decimals]! : mantissa;
    return negative ? -v : v;
  }
  return numberOrNull(text.slice(a, b)) ?? Number.NaN;
}

/** Daily bars from CSV text with a header naming date, open, high, low, close and volume (any order, any
 * case, other columns ignored), as columns in file order (NaN: an empty or non-numeric cell; '' for a missing
 * date). Quote-free text (every OHLCV file) is scanned in place: a string per row for its day and none per
 * number. Throws when the header has no date or no close column, or with `requireAll` when it lacks any of them. */
export function parseBarCsv(text: string, requireAll = false): BarColumns {
  if (text.includes('"')) return barsFromRows(parseCsv(text), requireAll);
  const firstEnd = text.indexOf('\n');
  const header = headerIndex((firstEnd < 0 ? text : text.slice(0, firstEnd)).replace(/\r$/, '').split(','), requireAll);
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  const days: string[] = [];
  const cols = [new Float64Array(lines + 1), new Float64Array(lines + 1), new Float64Array(lines + 1), new Float64Array(lines + 1), new Float64Array(lines + 1)];
  let n = 0;
  let at = firstEnd < 0 ? text.length : firstEnd + 1;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const lineEnd = end > at && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (lineEnd > at) {
      for (const c of cols) c[n] = Number.NaN;
      let day = '';
      let field = 0;
      let a = at;
      for (;;) {
        let b = text.indexOf(',', a);
        if (b < 0 || b > lineEnd) b = lineEnd;
        if (field === header.date) day = text.slice(a, b).trim();
        else {
          const k = header.fields.indexOf(field);
          if (k >= 0) cols[k]![n] = cellNumber(text, a, b);
        }
        if (b === lineEnd) break;
        a = b + 1;
        field++;
      }
      days.push(day);
      n++;
    }
    at = end + 1;
  }
  return { days, open: cols[0]!.subarray(0, n), high: cols[1]!.subarray(0, n), low: cols[2]!.subarray(0, n), close: cols[3]!.subarray(0, n), volume: cols[4]!.subarray(0, n) };
}

/** The date column and the open, high, low, close and volume columns (-1 where absent) of a header row. */
function headerIndex(cells: string[], requireAll: boolean): { date: number; fields: number[] } {
  const names = cells.map((h) => h.trim().toLowerCase());
  const date = names.indexOf('date');
  const fields = BAR_FIELDS.map((k) => names.indexOf(k));
  if (requireAll) {
    const missing = ['date', ...BAR_FIELDS].filter((k) => !names.includes(k));
    if (missing.length > 0) throw new Error(`header lacks column(s) ${missing.join(', ')} (it has: ${clip(cells.join(','), 80) || 'nothing'})`);
  }
  if (date === -1 || fields[3] === -1) throw new Error('header needs at least date and close columns');
  return { date, fields };
}

/** The same from already split rows (quoted CSV). */
function barsFromRows(rows: string[][], requireAll: boolean): BarColumns {
  const header = headerIndex(rows.shift() ?? [], requireAll);
  const column = (k: number) => Float64Array.from(rows, (r) => (k < 0 ? Number.NaN : (numberOrNull(r[k]) ?? Number.NaN)));
  const [o, h, l, c, v] = header.fields.map(column);
  return { days: rows.map((r) => (r[header.date] ?? '').trim()), open: o!, high: h!, low: l!, close: c!, volume: v! };
}
