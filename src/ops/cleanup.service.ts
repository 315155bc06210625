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
    const charts = await this.removeOlderFiles(path.join(this.deps.varDir, 'charts'), before(r.chartsDays).getTime());
    const picksExports = await this.removeDatedFiles(path.join(this.deps.varDir, 'exports', 'picks'), before(r.picksExportsDays).toISOString().slice(0, 10));
    return { ...pruned, backtestFolders, charts, picksExports };
  }

  /** Files directly in `dir` named for a day (2017-03-01.csv) before `cutoffDay`; other files are left alone. */
  private async removeDatedFiles(dir: string, cutoffDay: string): Promise<number> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      const day = /^(\d{4}-\d{2}-\d{2})\.csv$/.exec(name)?.[1];
      if (!day || day >= cutoffDay) continue;
      try {
        await rm(path.join(dir, name), { force: true });
        removed++;
      } catch (err) {
        this.deps.log.warn({ file: path.join(dir, name), err }, 'cleanup could not remove a file');
      }
    }
    return removed;
  }

  /** Files directly in `dir` last modified before `cutoffMs`; a missing folder has none. */
  private async removeOlderFiles(dir: string, cutoffMs: number): Promise<number> {
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
        const s = await stat(file);
        if (s.isFile() && s.mtimeMs < cutoffMs) {
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
