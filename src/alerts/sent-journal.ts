/** A local record of alerts sent but not yet marked delivered in the database. Telegram and Discord take no
 * idempotency key, so a delivery sent and then not recorded (the database dropped, the process killed right
 * after) would be sent again. Each send is written here first, synchronously (it survives the process, if not
 * the machine), and replayed into the database at the next start. */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface SentJournal {
  /** Note that delivery `id` was sent at `at` (before it is marked in the database). */
  sent(id: number, at: Date): void;
  /** Everything noted since the last clear. */
  entries(): Array<{ id: number; at: Date }>;
  /** Forget what was noted (after every entry is marked in the database). */
  clear(): void;
}

export class FileSentJournal implements SentJournal {
  /** Something may be in the file (from an earlier run, or noted since the last clear). */
  private dirty = true;

  constructor(private readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
  }

  sent(id: number, at: Date): void {
    appendFileSync(this.file, `${id} ${at.toISOString()}\n`);
    this.dirty = true;
  }

  entries(): Array<{ id: number; at: Date }> {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, 'utf8').split('\n').flatMap((l) => {
      const [id, at] = l.split(' ');
      const when = new Date(at ?? '');
      return Number.isInteger(Number(id)) && id !== '' && !Number.isNaN(when.getTime()) ? [{ id: Number(id), at: when }] : [];
    });
  }

  clear(): void {
    if (!this.dirty) return;
    writeFileSync(this.file, '');
    this.dirty = false;
  }
}
