/** A fake Telegram Bot API server speaking the real HTTP protocol (POST /bot<token>/<method>, JSON or
 * form bodies, `{ ok, result }` answers, long-polling getUpdates), so the real telegraf client runs
 * unchanged against it. Tests push user messages and button presses and read what the bot sent. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TgUser {
  id: number;
  username?: string;
}

/** A message the bot sent (sendMessage) or edited (editMessageText). */
export interface SentMessage {
  method: string;
  chatId: string;
  messageId: number;
  text: string;
  replyMarkup?: { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> };
  /** sendMessage's disable_notification (a silent alert). */
  silent: boolean;
  /** sendPhoto's image (its caption is `text`). */
  photo?: Buffer;
  at: number;
}

/** What the bot answered to a button press (answerCallbackQuery): shown to the presser alone. */
export interface CallbackAnswer {
  chatId: string;
  userId: string;
  text: string;
  /** Shown as an alert the presser must dismiss, rather than a brief notice. */
  showAlert: boolean;
}

type Update = Record<string, unknown> & { update_id: number };

const BOT_USER = { id: 424242, is_bot: true, first_name: 'Tiller', username: 'tiller_test_bot' };

export class FakeTelegram {
  readonly sent: SentMessage[] = [];
  readonly calls: Array<{ method: string; body: Record<string, unknown> }> = [];
  /** Answers to button presses, in order. */
  readonly answers: CallbackAnswer[] = [];
  /** Who pressed, by callback query id. */
  private readonly presses = new Map<string, { chatId: string; userId: string }>();
  private readonly updates: Update[] = [];
  private nextUpdateId = 1;
  private nextMessageId = 1000;
  private waiting: Array<() => void> = [];
  private server: Server | null = null;
  /** sendMessage and sendPhoto answer 429 with this retry_after for the next `rateLimitCount` calls. */
  rateLimitCount = 0;
  retryAfter = 1;
  /** sendMessage and sendPhoto answer 500 for the next `failCount` calls. */
  failCount = 0;
  /** sendMessage hangs this long before answering (a slow or stuck server). */
  stallMs = 0;
  /** Set by setWebhook: updates are then POSTed there (with the secret header) instead of waiting for getUpdates. */
  webhook: { url: string; secret: string | undefined } | null = null;
  /** The HTTP status of each webhook delivery, in order. */
  readonly webhookStatuses: number[] = [];

  constructor(readonly token: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const w of this.waiting) w();
    this.waiting = [];
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** A user types `text` in chat `chatId` (a negative id is a group). */
  sendText(from: TgUser, chatId: number, text: string): number {
    const messageId = this.nextMessageId++;
    const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0]!.length }] : undefined;
    this.push({
      message: {
        message_id: messageId, date: Math.floor(Date.now() / 1000), text, entities,
        from: { id: from.id, is_bot: false, first_name: from.username ?? `user${from.id}`, username: from.username },
        chat: chatId < 0 ? { id: chatId, type: 'group', title: 'Trading desk' } : { id: chatId, type: 'private', first_name: from.username ?? 'user' },
      },
    });
    return messageId;
  }

  /** A user presses an inline button of a message the bot sent. */
  pressButton(from: TgUser, message: SentMessage, callbackData: string): void {
    const chatId = Number(message.chatId);
    const id = String(this.nextUpdateId * 7919);
    this.presses.set(id, { chatId: message.chatId, userId: String(from.id) });
    this.push({
      callback_query: {
        id, chat_instance: '1', data: callbackData,
        from: { id: from.id, is_bot: false, first_name: from.username ?? `user${from.id}`, username: from.username },
        message: {
          message_id: message.messageId, date: Math.floor(Date.now() / 1000), text: message.text, from: BOT_USER,
          chat: chatId < 0 ? { id: chatId, type: 'group', title: 'Trading desk' } : { id: chatId, type: 'private', first_name: 'user' },
        },
      },
    });
  }

  /** Wait until the bot has answered a button press matching `pred` (answers from index `after` on). */
  async waitForAnswer(pred: (a: CallbackAnswer) => boolean, timeoutMs = 15_000, after = 0): Promise<CallbackAnswer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.answers.slice(after).find(pred);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching answer to a button press within ${timeoutMs} ms; last: ${JSON.stringify(this.answers.slice(-3))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Wait until the bot has sent a message matching `pred` (checked against all sent so far too). */
  async waitFor(pred: (m: SentMessage) => boolean, timeoutMs = 15_000, after = 0): Promise<SentMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.sent.slice(after).find(pred);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`no matching Telegram message within ${timeoutMs} ms; last sent: ${JSON.stringify(this.sent.slice(-3).map((m) => m.text))}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Send `text` as `from` and wait for the bot's reply in that chat. */
  async ask(from: TgUser, chatId: number, text: string, timeoutMs = 15_000): Promise<SentMessage> {
    const before = this.sent.length;
    this.sendText(from, chatId, text);
    return this.waitFor((m) => m.chatId === String(chatId) && m.method === 'sendMessage', timeoutMs, before);
  }

  private push(body: Record<string, unknown>): void {
    const update = { update_id: this.nextUpdateId++, ...body };
    if (this.webhook) {
      const { url, secret } = this.webhook;
      void fetch(url, {
        method: 'POST', body: JSON.stringify(update),
        headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      }).then((r) => this.webhookStatuses.push(r.status), () => this.webhookStatuses.push(0));
      return;
    }
    this.updates.push(update);
    const w = this.waiting;
    this.waiting = [];
    for (const f of w) f();
  }

  private async readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const bytes = Buffer.concat(chunks);
    const raw = bytes.toString('utf8');
    if (!raw) return {};
    const type = req.headers['content-type'] ?? '';
    if (type.includes('multipart/form-data')) {
      // A file upload (sendPhoto with a buffer): fields as text, files as bytes.
      const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': type }, body: bytes }).formData();
      const out: Record<string, unknown> = {};
      for (const [k, v] of form.entries()) out[k] = typeof v === 'string' ? v : Buffer.from(await v.arrayBuffer());
      return out;
    }
    if (type.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
    if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
    return {};
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url?.split('?')[0] ?? '');
    if (!m) return this.reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (m[1] !== this.token) return this.reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = m[2]!;
    const body = await this.readBody(req);
    this.calls.push({ method, body });
    switch (method) {
      case 'getMe':
        return this.reply(res, 200, { ok: true, result: { ...BOT_USER, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } });
      case 'setWebhook':
        this.webhook = { url: String(body.url), secret: body.secret_token === undefined ? undefined : String(body.secret_token) };
        return this.reply(res, 200, { ok: true, result: true, description: 'Webhook was set' });
      case 'deleteWebhook':
        this.webhook = null;
        return this.reply(res, 200, { ok: true, result: true });
      case 'answerCallbackQuery': {
        const who = this.presses.get(String(body.callback_query_id));
        if (!who) return this.reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: query is too old and response timeout expired or query ID is invalid' });
        const text = String(body.text ?? '');
        if (text.length > 200) return this.reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: MESSAGE_TOO_LONG' });
        this.answers.push({ ...who, text, showAlert: body.show_alert === true || body.show_alert === 'true' });
        return this.reply(res, 200, { ok: true, result: true });
      }
      case 'setMyCommands':
        return this.reply(res, 200, { ok: true, result: true });
      case 'getUpdates':
        return this.getUpdates(req, res, body);
      case 'sendMessage':
      case 'sendPhoto':
      case 'editMessageText': {
        const send = method !== 'editMessageText';
        if (send && this.stallMs > 0) await new Promise((r) => setTimeout(r, this.stallMs));
        if (res.destroyed) return;
        if (send && this.failCount > 0) {
          this.failCount--;
          return this.reply(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
        }
        if (send && this.rateLimitCount > 0) {
          this.rateLimitCount--;
          return this.reply(res, 429, { ok: false, error_code: 429, description: `Too Many Requests: retry after ${this.retryAfter}`, parameters: { retry_after: this.retryAfter } });
        }
        const chatId = String(body.chat_id);
        const messageId = method === 'editMessageText' ? Number(body.message_id) : this.nextMessageId++;
        const markup = typeof body.reply_markup === 'string' ? JSON.parse(body.reply_markup) : body.reply_markup;
        this.sent.push({
          method, chatId, messageId, text: String(body.text ?? body.caption ?? ''), replyMarkup: markup as SentMessage['replyMarkup'],
          ...(Buffer.isBuffer(body.photo) ? { photo: body.photo } : {}),
          silent: body.disable_notification === true || body.disable_notification === 'true', at: Date.now(),
        });
        return this.reply(res, 200, {
          ok: true,
          result: { message_id: messageId, date: Math.floor(Date.now() / 1000), text: body.text, from: BOT_USER, chat: { id: Number(chatId), type: Number(chatId) < 0 ? 'group' : 'private' } },
        });
      }
      default:
        return this.reply(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    }
  }

  private async getUpdates(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const offset = Number(body.offset ?? 0);
    // As on Telegram: an offset confirms every update below it, which is then gone for good.
    if (offset > 0) this.updates.splice(0, this.updates.length, ...this.updates.filter((u) => u.update_id >= offset));
    const timeoutS = Math.min(Number(body.timeout ?? 0), 2); // shortened long poll keeps tests quick
    const pending = () => this.updates.filter((u) => u.update_id >= offset);
    if (pending().length === 0 && timeoutS > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, timeoutS * 1000);
        this.waiting.push(() => {
          clearTimeout(t);
          resolve();
        });
        req.on('close', () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    if (res.destroyed) return;
    this.reply(res, 200, { ok: true, result: pending().slice(0, Number(body.limit ?? 100)) });
  }
}
