/** The cleanup job: operational records and files older than their retention are removed, so a Tiller left
 * running for months does not grow without bound. Trading records (portfolio snapshots among them), picks, the
 * audit log and stored market data are kept; model artefacts are pruned by count when training stores a new
 * one (`models.keep`). Files are removed only inside Tiller's own var folders. */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports/clock.port.js';
import type { PruneResult, RetentionRepository } from '../ports/repositories.port.js';

/** Days each kind of record is kept. */
export interface RetentionSettings {
  jobRunsDays: number;
  alertsDays: number;
  queuedJobsDays: number;
  backtestsDays: number;
  chartsDays: number;
  /** The daily picks files under var/exports/picks, by the day in their name. */
  picksExportsDays: number;
}

/** What one cleanup removed: the records counted by kind, the report folders and the chart files. */
export interface CleanupResult extends Omit<PruneResult, 'backtestDirs'> {
  backtestFolders: number;
  charts: number;
  picksExports: number;
}

const DAY_MS = 86_400_000;

export class CleanupService {
  constructor(private readonly deps: { repo: RetentionRepository; clock: Clock; log: Pick<Logger, 'warn'>; retention: RetentionSettings; varDir: string }) {}

  async run(): Promise<CleanupResult> {
    const { retention: r, clock } = this.deps;
    const now = clock.now().getTime();
    const before = (days: number) => new Date(now - days * DAY_MS);
    const { backtestDirs, ...pruned } = await this.deps.repo.prune({
      jobRuns: before(r.jobRunsDays), alerts: before(r.alertsDays), queuedJobs: before(r.queuedJobsDays), backtests: before(r.backtestsDays),
    });
    const reports = path.resolve(this.deps.varDir, 'backtests');
    let backtestFolders = 0;
    for (const dir of backtestDirs) {
      const full = path.resolve(dir);
      // A report written elsewhere (`--out`) belongs to the user.
      if (path.dirname(full) !== reports) continue;
      await rm(full, { recursive: true, force: true });
      backtestFolders++;
    }
    const chartsCutoff = before(r.chartsDays).getTime();
    const charts = await this.removeFiles(path.join(this.deps.varDir, 'charts'), async (file) => {
      const s = await stat(file);
      return s.isFile() && s.mtimeMs < chartsCutoff;
    });
    // Picks files by the day in their name (2017-03-01.csv); other files there are left alone.
    const picksCutoff = before(r.picksExportsDays).toISOString().slice(0, 10);
    const picksExports = await this.removeFiles(path.join(this.deps.varDir, 'exports', 'picks'), (file) => {
      const day = /^(\d{4}-\d{2}-\d{2})\.csv$/.exec(path.basename(file))?.[1];
      return day !== undefined && day < picksCutoff;
    });
    return { ...pruned, backtestFolders, charts, picksExports };
  }

  /** Remove the files directly in `dir` that `expired` picks; a missing folder has none, and a file that cannot
   * be read or removed is logged and left. */
  private async removeFiles(dir: string, expired: (file: string) => boolean | Promise<boolean>): Promise<number> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      const file = path.join(dir, name);
      try {
        if (await expired(file)) {
          await rm(file, { force: true });
          removed++;
        }
      } catch (err) {
        this.deps.log.warn({ file, err }, 'cleanup could not remove a file');
      }
    }
    return removed;
  }
}
