/** One command call as the audit log keeps it: who, where, what, with which role, and how it ended. */
export interface AuditEntry {
  at: Date;
  transport: string;
  userId: string;
  chatId: string;
  command: string;
  args: string;
  role: string | null;
  outcome: 'ok' | 'refused' | 'error' | 'confirm_requested' | 'confirmed';
  detail: string;
}

/** The audit log of every command call (kept forever; the cleanup job never removes it). */
export interface AuditRepository {
  /** Append one entry (every command call, answered or refused). */
  record(entry: AuditEntry): Promise<void>;
  /** The latest `limit` entries, newest first. */
  recent(limit: number): Promise<AuditEntry[]>;
}
