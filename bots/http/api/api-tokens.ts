/** Bearer tokens of the REST API: which configured client (name and role) a request's Authorization header
 * names. Tokens are compared as SHA-256 digests in constant time, and never logged or echoed. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiToken } from '../../../src/config.js';

/** A configured client: its name goes to the audit log, its role decides what it may do. */
export interface ApiClient {
  name: string;
  role: ApiToken['role'];
}

export class ApiTokens {
  private readonly digests: Array<{ client: ApiClient; digest: Buffer }>;

  constructor(tokens: readonly ApiToken[]) {
    this.digests = tokens.map((t) => ({ client: { name: t.name, role: t.role }, digest: sha256(t.token) }));
  }

  /** The client whose token the header carries (`Bearer <token>`), or null for none or an unknown one. */
  clientOf(authorization: string | undefined): ApiClient | null {
    const m = /^Bearer ([^\s]{1,512})$/i.exec(authorization?.trim() ?? '');
    if (!m) return null;
    const digest = sha256(m[1]!);
    let found: ApiClient | null = null;
    // Every token is compared, so the time taken does not tell which one came close.
    for (const d of this.digests) if (timingSafeEqual(d.digest, digest)) found = d.client;
    return found;
  }
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
