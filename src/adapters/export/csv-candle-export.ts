/** CSV export of stored candles: one SYMBOL.csv per symbol in the same format the CSV provider reads. */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import type { TradingDay } from '../../domain/types.js';
import type { BarColumns } from '../../market/indicators.js';
import type { CandleExport } from '../../ports/candle-export.port.js';

const HEADER = 'date,open,high,low,close,volume\n';

export class CsvCandleExport implements CandleExport {
  /** Last exported day per symbol as this process wrote or read it (the file stays the truth at start). */
  private readonly marks = new Map<string, TradingDay | null>();

  constructor(private readonly dir: string) {}

  private file(symbol: string): string {
    return path.join(this.dir, `${symbol.replace(/[^A-Za-z0-9.\-^=]/g, '_')}.csv`);
  }

  async lastDay(symbol: string): Promise<TradingDay | null> {
    if (this.marks.has(symbol)) return this.marks.get(symbol)!;
    const day = await this.readLastDay(symbol);
    this.marks.set(symbol, day);
    return day;
  }

  private async readLastDay(symbol: string): Promise<TradingDay | null> {
    const file = this.file(symbol);
    if (!existsSync(file)) return null;
    const fh = await open(file, 'r');
    try {
      const { size } = await fh.stat();
      const len = Math.min(size, 256);
      const buf = Buffer.alloc(len);
      await fh.read(buf, 0, len, size - len);
      const lines = buf.toString('utf8').trim().split('\n');
      const day = lines.at(-1)?.split(',')[0] ?? '';
      return /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : null;
    } finally {
      await fh.close();
    }
  }

  async append(symbol: string, bars: BarColumns): Promise<void> {
    const n = bars.days.length;
    if (n === 0) return;
    await mkdir(this.dir, { recursive: true });
    const file = this.file(symbol);
    let body = '';
    for (let i = 0; i < n; i++) body += `${bars.days[i]},${bars.open[i]},${bars.high[i]},${bars.low[i]},${bars.close[i]},${bars.volume[i]}\n`;
    this.marks.delete(symbol); // re-read after a failed append
    await appendFile(file, existsSync(file) ? body : HEADER + body);
    this.marks.set(symbol, bars.days[n - 1]!);
  }
}
