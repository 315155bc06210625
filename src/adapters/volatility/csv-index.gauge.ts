/** A VIX-like index from a CSV file with a date column and a close column (any letter case, as in CBOE's
 * VIX history: DATE,OPEN,HIGH,LOW,CLOSE). Read once; rows with a bad date or close are skipped. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../domain/errors.js';
import type { TradingDay } from '../../domain/types.js';
import type { VolatilityGauge } from '../../ports/volatility.port.js';

export class CsvIndexGauge implements VolatilityGauge {
  readonly label: string;
  private rows: Array<{ day: TradingDay; close: number }> | null = null;

  constructor(private readonly file: string) {
    this.label = `${path.basename(file, '.csv')} close`;
  }

  private load(): Array<{ day: TradingDay; close: number }> {
    if (this.rows) return this.rows;
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      throw new ConfigError(`trading.breakers.volatility.indexCsv: cannot read ${this.file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const [header, ...lines] = text.trim().split(/\r?\n/);
    const cols = (header ?? '').toLowerCase().split(',').map((c) => c.trim());
    const di = cols.indexOf('date');
    const ci = cols.indexOf('close');
    if (di < 0 || ci < 0) throw new ConfigError(`trading.breakers.volatility.indexCsv: ${this.file} needs date and close columns`);
    this.rows = lines.map((l) => l.split(','))
      .map((c) => ({ day: (c[di] ?? '').trim(), close: Number(c[ci]) }))
      .filter((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.day) && Number.isFinite(r.close) && r.close > 0)
      .sort((a, b) => a.day.localeCompare(b.day));
    return this.rows;
  }

  async valueBefore(day: TradingDay) {
    const rows = this.load();
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rows[mid]!.day < day) lo = mid + 1;
      else hi = mid;
    }
    const r = rows[lo - 1];
    return r ? { value: r.close, asOf: r.day } : null;
  }
}
