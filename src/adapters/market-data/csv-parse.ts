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
