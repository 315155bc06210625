/** The Telegram transport (telegraf; long polling, or a webhook served by the HTTP server): parses commands, calls the command core, renders HTML,
 * shows confirmation buttons, and delivers alerts. The sender's user id decides the role, never the chat. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Markup as TgMarkup, Telegraf, TelegramError } from 'telegraf';
import type { CommandCore } from '../../src/commands/command-core.js';
import type { Actor, CommandResult } from '../../src/commands/command.types.js';
import type { TelegramConfig } from '../../src/config.js';
import { RateLimitedError, TemporaryError } from '../../src/domain/errors.js';
import type { BotEvent } from '../../src/domain/types.js';
import type { DeliveryOptions } from '../../src/alerts/alert-dispatcher.js';
import type { RateLimits } from '../../src/alerts/rate-gate.js';
import type { Logger } from '../../src/logger.js';
import { Admission } from '../shared/admission.js';
import { fitMessage, plainMarkup, telegramHtml } from '../shared/markup.js';
import { parseCommand } from '../shared/parse-command.js';
import { renderAlert } from '../shared/render-alert.js';
import { renderResult } from '../shared/render-result.js';
import { CHART_FILE, chartOfEvent, chartOfResult } from '../shared/report-image.js';

export const TELEGRAM = 'telegram';

/** Telegram's sending limits as Tiller paces itself: about 30 messages a second overall and one a second in a
 * chat. Groups also have a limit of about 20 a minute; a burst beyond it is answered with 429 and
 * retry_after, which the dispatcher honours. */
export const TELEGRAM_RATE_LIMITS: RateLimits = { perSecond: 30, perChatMs: 1_000 };
/** Updates handled at once; more wait for a slot (bounded memory under a flood of messages). */
const UPDATES_IN_FLIGHT = 256;
/** The longest text Telegram shows in an answer to a button press (answerCallbackQuery). */
const CALLBACK_ANSWER_LIMIT = 200;
/** telegraf types its abort signal with a polyfill's type; Node's AbortSignal is what it uses at run time. */
type CallSignal = NonNullable<Parameters<Telegraf['telegram']['callApi']>[2]>['signal'];

function replyMarkup(r: CommandResult) {
  if (r.kind !== 'confirm') return undefined;
  return TgMarkup.inlineKeyboard([
    TgMarkup.button.callback('✅ Confirm', `cf:${r.token}:y`),
    TgMarkup.button.callback('✖ Cancel', `cf:${r.token}:n`),
  ]);
}

export class TelegramBot {
  readonly bot: Telegraf;
  private launched: Promise<void> | null = null;
  private readonly admission = new Admission(UPDATES_IN_FLIGHT, (err) => this.log.error({ err }, 'telegram update failed'));

  /** @param sendTimeoutMs timeout of one alert delivery; a timed-out delivery is retried by the dispatcher. */
  constructor(
    private readonly cfg: TelegramConfig,
    private readonly core: CommandCore,
    private readonly currency: string,
    private readonly log: Logger,
    private readonly sendTimeoutMs = 15_000,
  ) {
    // webhookReply off: replies are API calls of their own, never folded into the webhook's HTTP answer.
    this.bot = new Telegraf(cfg.token, { telegram: { ...(cfg.apiRoot ? { apiRoot: cfg.apiRoot } : {}), webhookReply: false }, handlerTimeout: 60_000 });
    this.bot.catch((err) => this.log.error({ err }, 'telegram update failed'));
    // Each update is handled on its own, at most UPDATES_IN_FLIGHT at once, so the next batch is fetched while
    // replies are still being written.
    this.bot.use((_ctx, next) => this.admission.start(next));

    this.bot.on('text', async (ctx) => {
      const parsed = parseCommand(ctx.message.text);
      if (!parsed) return;
      const actor: Actor = { transport: TELEGRAM, userId: String(ctx.from.id), chatId: String(ctx.chat.id), displayName: ctx.from.username ?? ctx.from.first_name };
      const result = await this.core.handle(actor, parsed.name, parsed.args);
      const chart = chartOfResult(result, this.currency);
      if (chart) {
        await ctx.replyWithPhoto({ source: chart, filename: CHART_FILE }, { caption: fitMessage(renderResult(result, telegramHtml), 1_024), parse_mode: 'HTML' });
        return;
      }
      await ctx.reply(fitMessage(renderResult(result, telegramHtml), 4_096), { parse_mode: 'HTML', ...(replyMarkup(result) ? replyMarkup(result) : {}) });
    });

    this.bot.on('callback_query', async (ctx) => {
      const data = 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : '';
      const actor: Actor = { transport: TELEGRAM, userId: String(ctx.from.id), chatId: String(ctx.chat?.id ?? ctx.from.id), displayName: ctx.from.username ?? ctx.from.first_name };
      const m = /^cf:([0-9a-f]+):([yn])$/.exec(data);
      const result = m ? await this.core.confirm(actor, m[1]!, m[2] === 'y') : await this.core.unknownButton(actor, data);
      // A refusal (someone else's button, a forged one) or an error (a confirmation expired or used) is shown
      // to the presser alone, as an alert on the press; only the requester's own confirmation or
      // cancellation replaces the shared button message.
      if (result.kind === 'refused' || result.kind === 'error') {
        await ctx.answerCbQuery(fitMessage(renderResult(result, plainMarkup), CALLBACK_ANSWER_LIMIT), { show_alert: true });
        return;
      }
      await ctx.answerCbQuery('Done');
      await ctx.editMessageText(fitMessage(renderResult(result, telegramHtml), 4_096), { parse_mode: 'HTML' });
    });
  }

  /** In webhook mode: the path to serve and the handler for Telegram's POSTs (it checks the secret header and
   * answers 403 without it). Null in long-polling mode. */
  webhookRoute(): { path: string; handle: (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => Promise<void> } | null {
    const hook = this.cfg.webhook;
    if (!hook) return null;
    const path = new URL(hook.url).pathname;
    const callback = this.bot.webhookCallback(path, { secretToken: hook.secret });
    // The body is Telegram's update as JSON; telegraf checks the path and the secret before it reads it.
    return { path, handle: (req, res) => callback(req as Parameters<typeof callback>[0], res) };
  }

  /** Register the command menu, then either tell Telegram where to post updates (webhook mode) or start long
   * polling. Resolves once updates can arrive. */
  async start(): Promise<void> {
    await this.bot.telegram.setMyCommands(this.core.list().map((c) => ({ command: c.name, description: c.description.slice(0, 256) })));
    if (this.cfg.webhook) {
      this.bot.botInfo ??= await this.bot.telegram.getMe();
      await this.bot.telegram.setWebhook(this.cfg.webhook.url, { secret_token: this.cfg.webhook.secret, allowed_updates: ['message', 'callback_query'] });
      this.log.info({ url: this.cfg.webhook.url }, 'telegram webhook set');
      return;
    }
    await new Promise<void>((resolve, reject) => {
      this.launched = this.bot.launch({ allowedUpdates: ['message', 'callback_query'] }, () => resolve());
      this.launched.catch((err: unknown) => {
        this.log.error({ err }, 'telegram polling stopped');
        reject(err instanceof Error ? err : new Error(String(err)));
      });
    });
    this.log.info({ username: this.bot.botInfo?.username }, 'telegram bot polling');
  }

  /** Alert sender for the dispatcher: 429 becomes RateLimitedError with Telegram's retry_after. */
  async sendAlert(chatId: string, event: BotEvent, opts: DeliveryOptions = { silent: false }): Promise<void> {
    try {
      const text = renderAlert(event, telegramHtml, this.currency);
      const signal = { signal: AbortSignal.timeout(this.sendTimeoutMs) as unknown as CallSignal };
      const chart = chartOfEvent(event, this.currency);
      if (chart) {
        // The report alerts go out as a photo of the chart with the report as its caption.
        await this.bot.telegram.callApi('sendPhoto', { chat_id: chatId, photo: { source: chart, filename: CHART_FILE }, caption: text, parse_mode: 'HTML', disable_notification: opts.silent }, signal);
      } else {
        await this.bot.telegram.callApi('sendMessage', { chat_id: chatId, text: fitMessage(text, 4_096), parse_mode: 'HTML', disable_notification: opts.silent }, signal);
      }
    } catch (err) {
      if (err instanceof TelegramError && err.code === 429) {
        throw new RateLimitedError(err.description, err.parameters?.retry_after ?? 1);
      }
      if (err instanceof TelegramError && err.code >= 500) throw new TemporaryError(err.description);
      if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) throw new TemporaryError(`Telegram did not answer within ${this.sendTimeoutMs} ms`);
      throw err;
    }
  }

  async stop(): Promise<void> {
    if (this.launched) {
      this.bot.stop('shutdown');
      await this.launched.catch(() => undefined);
      this.launched = null;
    }
    await this.admission.drain();
  }
}
