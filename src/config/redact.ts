/** The configuration made safe to show or log. */
import type { AppConfig } from './schema.js';

/** Keys whose value is a secret or a credential: shown as `***` when set. */
const SECRET_KEY = /(token|secret|secretkey|password|apikey|keyid)$/i;
/** Keys whose value names people, chats or accounts (ids): each id shown as `***`, so only their count shows. */
const ID_KEY = /^(admins|operators|viewers|alertChats|alertChannels|guildId|applicationId)$/;

/** A copy of the config safe to log or show (`tiller config`, the debug log at start): every secret, key and
 * id masked, credentials in URLs hidden, by a walk over every key, so a key added later is masked by its name. */
export function redactConfig(config: AppConfig): unknown {
  const hideUrl = (u: string) => u.replace(/\/\/([^@/]*)@/, '//***@');
  const walk = (v: unknown, key: string): unknown => {
    if (v === undefined || v === null || v === '') return v;
    if (SECRET_KEY.test(key)) return '***';
    if (ID_KEY.test(key)) return Array.isArray(v) ? v.map(() => '***') : '***';
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (typeof v === 'string') return /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? hideUrl(v) : v;
    if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(config, '');
}
