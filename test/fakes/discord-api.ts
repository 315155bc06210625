/** A fake Discord for the real discord.js client: the REST API (v10) and a gateway WebSocket on one port.
 * REST: GET /gateway/bot (pointing at the gateway here), PUT application commands (global or per guild),
 * POST interaction callbacks (answered 204 with no body, as Discord does), PATCH the original interaction
 * response, POST channel messages (alerts), with 429s (retry_after and Discord's rate-limit headers) and 500s
 * on demand. Gateway: HELLO → IDENTIFY → READY, heartbeats acknowledged, and INTERACTION_CREATE dispatched
 * when a test has a user run a slash command, press a button or type into an autocompleted option. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface DiscordUser {
  id: string;
  username: string;
  /** Role ids the user has in the guild. */
  roles?: string[];
}

/** A message or interaction response the bot produced, as Discord received it. */
export interface DiscordOutput {
  kind: 'reply' | 'update' | 'deferred' | 'edit' | 'autocomplete' | 'channel_message';
  /** The interaction it answers (for interaction responses). */
  interactionId?: string;
  channelId?: string;
  content: string;
  embeds: Array<{ title?: string; description?: string; color?: number; image?: { url: string }; fields?: Array<{ name: string; value: string }> }>;
  components: Array<{ type: number; components: Array<{ type: number; custom_id?: string; label?: string; style?: number }> }>;
  flags: number;
  choices?: Array<{ name: string; value: string }>;
  /** Attached files (a report's chart). */
  files: Array<{ name: string; bytes: Buffer }>;
  at: number;
}

export const EPHEMERAL = 1 << 6;
export const SUPPRESS_NOTIFICATIONS = 1 << 12;

let snowflake = 1_300_000_000_000_000_000n;
const nextId = () => String(snowflake++);

export class FakeDiscord {
  readonly applicationId = '1200000000000000001';
  readonly botUser = { id: '1200000000000000002', username: 'tiller', discriminator: '0', global_name: 'Tiller', avatar: null, bot: true };
  readonly outputs: DiscordOutput[] = [];
  /** The last command list PUT per scope (`global` or the guild id). */
  readonly commands = new Map<string, Array<Record<string, unknown>>>();
  readonly identifies: Array<Record<string, unknown>> = [];
  /** Channel message POSTs answer 429 (retry_after `retryAfter` s) for the next N calls, or 500 for the next N. */
  rateLimitNext = 0;
  retryAfter = 0.3;
  failNext = 0;
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private readonly sockets = new Set<WebSocket>();
  private seq = 0;
  private base = '';
  /** interaction id → token, to match callbacks and edits. */
  private readonly tokens = new Map<string, string>();

  constructor(readonly token: string, readonly guildId = '1100000000000000001') {}

  /** Starts REST and gateway (on `port`, or a free one); returns the REST root to give discord.js as
   * `rest.api` (…/api). */
  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (ws) => this.onGateway(ws));
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.base = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return `http://${this.base}/api`;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.close(1000);
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** True once a client has identified and received READY. */
  get connected(): boolean {
    return this.identifies.length > 0 && this.sockets.size > 0;
  }

  /** A user runs `/name` with these options in a guild channel; returns the interaction id. */
  slash(user: DiscordUser, channelId: string, name: string, options: Record<string, string | number> = {}): string {
    const opts = Object.entries(options).map(([n, value]) => ({ name: n, type: typeof value === 'number' ? 4 : 3, value }));
    return this.interaction(user, channelId, 2, { id: nextId(), name, type: 1, guild_id: this.guildId, options: opts });
  }

  /** A user presses a button (custom id) on a message the bot sent. */
  press(user: DiscordUser, channelId: string, customId: string): string {
    return this.interaction(user, channelId, 3, { custom_id: customId, component_type: 2 }, {
      message: {
        id: nextId(), channel_id: channelId, author: this.botUser, content: '', embeds: [], components: [], attachments: [], mentions: [],
        mention_roles: [], mention_everyone: false, pinned: false, tts: false, type: 0, timestamp: new Date().toISOString(), edited_timestamp: null, flags: 0,
      },
    });
  }

  /** A user types `value` into an autocompleted option of `/name`. */
  autocomplete(user: DiscordUser, channelId: string, name: string, option: string, value: string): string {
    return this.interaction(user, channelId, 4, { id: nextId(), name, type: 1, guild_id: this.guildId, options: [{ name: option, type: 3, value, focused: true }] });
  }

  /** Wait for the bot's output matching `pred` (among all since index `after`). */
  async waitFor(pred: (o: DiscordOutput) => boolean, timeoutMs = 10_000, after = 0): Promise<DiscordOutput> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.outputs.slice(after).find(pred);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching Discord output within ${timeoutMs} ms; last: ${JSON.stringify(this.outputs.slice(-2))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Run `/name` and wait for the final answer to it (a reply, or the edit after a deferral). */
  async ask(user: DiscordUser, channelId: string, name: string, options: Record<string, string | number> = {}): Promise<DiscordOutput> {
    const before = this.outputs.length;
    const id = this.slash(user, channelId, name, options);
    return this.waitFor((o) => o.interactionId === id && (o.kind === 'reply' || o.kind === 'edit'), 10_000, before);
  }

  private interaction(user: DiscordUser, channelId: string, type: number, data: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
    const id = nextId();
    const token = `itoken-${id}`;
    this.tokens.set(id, token);
    this.dispatch('INTERACTION_CREATE', {
      id, application_id: this.applicationId, type, data, guild_id: this.guildId, channel_id: channelId, channel: { id: channelId, type: 0, guild_id: this.guildId, name: 'trading' },
      member: {
        user: { id: user.id, username: user.username, discriminator: '0', global_name: user.username, avatar: null },
        roles: user.roles ?? [], permissions: '0', joined_at: '2025-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0, nick: null, avatar: null, premium_since: null, pending: false,
      },
      token, version: 1, app_permissions: '0', locale: 'en-US', guild_locale: 'en-US', entitlements: [], authorizing_integration_owners: { 0: this.guildId }, context: 0,
      attachment_size_limit: 10_485_760, ...extra,
    });
    return id;
  }

  private dispatch(t: string, d: unknown): void {
    for (const ws of this.sockets) ws.send(JSON.stringify({ op: 0, t, s: ++this.seq, d }));
  }

  private onGateway(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null }));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { op: number; d: Record<string, unknown> };
      if (msg.op === 1) ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      if (msg.op === 2) {
        if (msg.d.token !== this.token) return ws.close(4004, 'Authentication failed.');
        this.identifies.push(msg.d);
        ws.send(JSON.stringify({
          op: 0, t: 'READY', s: ++this.seq,
          d: {
            v: 10, user: this.botUser, guilds: [], session_id: 'fake-session', resume_gateway_url: `ws://${this.base}`, shard: [0, 1],
            application: { id: this.applicationId, flags: 0 },
          },
        }));
      }
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/api\/v10/, '');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const bytes = Buffer.concat(chunks);
    const type = req.headers['content-type'] ?? '';
    let body: Record<string, unknown> = {};
    const files: Array<{ name: string; bytes: Buffer }> = [];
    if (type.includes('multipart/form-data')) {
      // Messages with attachments: the JSON in payload_json, each file in files[n].
      const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': type }, body: bytes }).formData();
      for (const [k, v] of form.entries()) {
        if (k === 'payload_json' && typeof v === 'string') body = JSON.parse(v) as Record<string, unknown>;
        else if (typeof v !== 'string') files.push({ name: v.name, bytes: Buffer.from(await v.arrayBuffer()) });
      }
    } else if (bytes.length > 0) body = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    const callback = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path);
    const original = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/.exec(path);
    // Interaction callbacks and their webhooks are authorised by the interaction token, the rest by the bot token.
    if (!callback && !original && req.headers.authorization !== `Bot ${this.token}`) return json(401, { message: '401: Unauthorized', code: 0 });

    if (path === '/gateway/bot') {
      return json(200, { url: `ws://${this.base}`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 } });
    }
    const cmds = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path);
    if (cmds && req.method === 'PUT') {
      if (cmds[1] !== this.applicationId) return json(404, { message: 'Unknown Application', code: 10002 });
      const list = (body as unknown as Array<Record<string, unknown>>).map((c) => ({ ...c, id: nextId(), application_id: this.applicationId, version: nextId() }));
      this.commands.set(cmds[2] ?? 'global', list);
      return json(200, list);
    }
    if (callback && req.method === 'POST') {
      if (this.tokens.get(callback[1]!) !== callback[2]) return json(404, { message: 'Unknown interaction', code: 10062 });
      const type = Number(body.type);
      const data = (body.data ?? {}) as Record<string, unknown>;
      const kind = type === 4 ? 'reply' : type === 7 ? 'update' : type === 8 ? 'autocomplete' : 'deferred';
      this.record(kind, data, { interactionId: callback[1]! }, files);
      res.writeHead(204);
      return void res.end();
    }
    if (original && req.method === 'PATCH') {
      const interactionId = [...this.tokens.entries()].find(([, t]) => t === original[2])?.[0];
      if (!interactionId) return json(404, { message: 'Unknown Webhook', code: 10015 });
      this.record('edit', body, { interactionId }, files);
      return json(200, this.message(String(nextId()), body));
    }
    const channelMessages = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (channelMessages && req.method === 'POST') {
      if (this.rateLimitNext > 0) {
        this.rateLimitNext--;
        return json(429, { message: 'You are being rate limited.', retry_after: this.retryAfter, global: false }, {
          'retry-after': String(Math.ceil(this.retryAfter)), 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0',
          'x-ratelimit-reset-after': String(this.retryAfter), 'x-ratelimit-bucket': 'fake-bucket', 'x-ratelimit-scope': 'user',
        });
      }
      if (this.failNext > 0) {
        this.failNext--;
        return json(500, { message: '500: Internal Server Error', code: 0 });
      }
      this.record('channel_message', body, { channelId: channelMessages[1]! }, files);
      return json(200, this.message(channelMessages[1]!, body));
    }
    json(404, { message: '404: Not Found', code: 0 });
  }

  private record(kind: DiscordOutput['kind'], data: Record<string, unknown>, where: { interactionId?: string; channelId?: string }, files: DiscordOutput['files'] = []): void {
    this.outputs.push({
      files,
      kind, ...where, content: String(data.content ?? ''), embeds: (data.embeds ?? []) as DiscordOutput['embeds'],
      components: (data.components ?? []) as DiscordOutput['components'], flags: Number(data.flags ?? 0),
      ...(data.choices ? { choices: data.choices as DiscordOutput['choices'] } : {}), at: Date.now(),
    });
  }

  private message(channelId: string, body: Record<string, unknown>) {
    return {
      id: nextId(), channel_id: channelId, author: this.botUser, content: body.content ?? '', embeds: body.embeds ?? [], components: body.components ?? [],
      attachments: [], mentions: [], mention_roles: [], mention_everyone: false, pinned: false, tts: false, type: 0, timestamp: new Date().toISOString(),
      edited_timestamp: null, flags: Number(body.flags ?? 0),
    };
  }
}
