/** CSV export of a day's picks: `<dir>/<day>.csv`, one row per (profile, strategy, pick), written to a
 * temporary file and renamed, so a reader never sees half a file and a rerun replaces it. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RiskProfile, TradingDay } from '../../domain/types.js';
import type { PicksExport } from '../../ports/picks-export.port.js';
import type { PickSet } from '../../ports/repositories.port.js';

const HEADER = 'day,profile,strategy,traded,rank,symbol,sector,score,confidence,risk_score,recommendation,entry,target,stop_loss,model,rationale';

/** A CSV field: quoted when it holds a comma, a quote or a line break. */
const cell = (v: string | number | boolean | null | undefined): string => {
  const s = v == null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export class CsvPicksExport implements PicksExport {
  constructor(private readonly dir: string) {}

  async writeDay(day: TradingDay, sets: Record<RiskProfile, PickSet[]>): Promise<string> {
    const lines = [HEADER];
    for (const profile of Object.keys(sets) as RiskProfile[]) {
      for (const set of sets[profile]) {
        for (const p of set.picks) {
          lines.push([
            p.day, p.profile, set.strategy, set.traded, p.rank, p.symbol, p.details?.sector, p.score, p.confidence, p.details?.riskScore, p.details?.recommendation,
            p.entry, p.target, p.stopLoss, p.model, p.rationale,
          ].map(cell).join(','));
        }
      }
    }
    await mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, `${day}.csv`);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, `${lines.join('\n')}\n`);
    await rename(tmp, file);
    return file;
  }
}
