/** The Discord transport (discord.js, gateway bot: no public URL needed). Slash commands are generated from the
 * command registry with typed options, choices and symbol autocomplete, registered per guild (or globally);
 * replies are embeds, refusals and errors are ephemeral (only the sender sees them), confirmations are
 * buttons that only the requester can press. The sender's user id and guild roles decide, never the channel. */
import {
  ActionRowBuilder, AttachmentBuilder, ButtonBuilder, ButtonStyle, Client, DiscordAPIError, EmbedBuilder, Events, GatewayIntentBits, HTTPError, MessageFlags, RateLimitError,
  REST, Routes, type AutocompleteInteraction, type ButtonInteraction, type ChatInputCommandInteraction, type Interaction,
} from 'discord.js';
import type { DeliveryOptions } from '../../src/alerts/alert-dispatcher.js';
import type { RateLimits } from '../../src/alerts/rate-gate.js';
import type { CommandCore } from '../../src/commands/command-core.js';
import type { Actor, CommandDefinition, CommandOption, CommandResult } from '../../src/commands/command.types.js';
import type { DiscordConfig } from '../../src/config.js';
import { RateLimitedError, TemporaryError } from '../../src/domain/errors.js';
import type { BotEvent } from '../../src/domain/types.js';
import type { Logger } from '../../src/logger.js';
import { fitMessage, type Markup } from '../shared/markup.js';
import { renderAlert } from '../shared/render-alert.js';
import { renderResult } from '../shared/render-result.js';
import { CHART_FILE, chartOfEvent, chartOfResult } from '../shared/report-image.js';

export const DISCORD = 'discord';

/** Discord's limits as Tiller paces itself: one message a second per channel (Discord allows 5 in 5 s) and
 * 40 requests a second overall (Discord allows 50); discord.js also follows the per-route buckets and 429s. */
export const DISCORD_RATE_LIMITS: RateLimits = { perSecond: 40, perChatMs: 1_000 };

/** Suggestions for an autocompleted option: symbols starting with what the user typed. */
export type SymbolSuggester = (source: NonNullable<CommandOption['autocomplete']>, prefix: string) => Promise<string[]>;

/** Discord's markdown. */
export const discordMarkdown: Markup = {
  bold: (s) => `**${s.replace(/([*_~`|\\])/g, '\\$1')}**`,
  code: (s) => `\`${s.replace(/`/g, "'")}\``,
  escape: (s) => s.replace(/([*_~`|>\\])/g, '\\$1'),
};

const OPTION_TYPE: Record<CommandOption['type'], number> = { string: 3, integer: 4, number: 10 };
const READY_TIMEOUT_MS = 30_000;
const REPLY_WITHIN_MS = 2_000; // Discord wants an answer within 3 s; slower work is deferred first
const COLORS = { ok: 0x2e7d32, warn: 0xf9a825, bad: 0xc62828 };

/** A slash command's JSON for Discord, from the registry. */
export function slashCommand(c: CommandDefinition): Record<string, unknown> {
  return {
    name: c.name, type: 1, description: c.description.slice(0, 100), dm_permission: false,
    options: (c.options ?? []).map((o) => ({
      type: OPTION_TYPE[o.type], name: o.name, description: o.description.slice(0, 100), required: o.required,
      ...(o.choices ? { choices: o.choices.slice(0, 25).map((v) => ({ name: v, value: v })) } : {}),
      ...(o.autocomplete ? { autocomplete: true } : {}),
    })),
  };
}

/** The result if `work` settles within `ms`, else null (the work goes on). */
async function settledWithin<T>(work: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((r) => (timer = setTimeout(() => r(null), ms)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

function isPrivate(r: CommandResult): boolean {
  return r.kind === 'refused' || r.kind === 'error';
}

function embedOf(title: string, r: CommandResult): EmbedBuilder {
  const text = renderResult(r, discordMarkdown);
  const color = r.kind === 'refused' || r.kind === 'error' ? COLORS.bad : r.kind === 'confirm' ? COLORS.warn : COLORS.ok;
  return new EmbedBuilder().setTitle(title).setDescription(fitMessage(text, 4_096)).setColor(color);
}

function confirmButtons(r: CommandResult): Array<ActionRowBuilder<ButtonBuilder>> {
  if (r.kind !== 'confirm') return [];
  return [new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(`cf:${r.token}:y`).setLabel('Confirm').setStyle(ButtonStyle.Danger),
    new ButtonBuilder().setCustomId(`cf:${r.token}:n`).setLabel('Cancel').setStyle(ButtonStyle.Secondary),
  )];
}

export class DiscordBot {
  private client: Client;
  private readonly rest: REST;
  private readonly byName: Map<string, CommandDefinition>;
  private readonly restOptions: { timeout: number; retries: number; api?: string };
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly cfg: DiscordConfig,
    private readonly core: CommandCore,
    private readonly currency: string,
    private readonly suggest: SymbolSuggester,
    private readonly log: Logger,
    sendTimeoutMs = 15_000,
  ) {
    this.restOptions = { timeout: sendTimeoutMs, retries: 1, ...(cfg.apiRoot ? { api: cfg.apiRoot } : {}) };
    this.rest = new REST(this.restOptions).setToken(cfg.token);
    this.byName = new Map(core.list().map((c) => [c.name, c]));
    this.client = this.newClient();
  }

  /** A gateway client wired to the command core (a new one for each connection attempt). */
  private newClient(): Client {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: this.restOptions });
    client.on(Events.InteractionCreate, (i) => void this.onInteraction(i).catch((err: unknown) => {
      this.log.error({ err }, 'discord interaction failed');
    }));
    client.on(Events.Error, (err) => this.log.error({ err: err.message }, 'discord client error'));
    return client;
  }

  /** True while connected to the gateway and ready (for /health). */
  isReady(): boolean {
    return this.client.isReady();
  }

  /** Register the slash commands (per guild, or globally), log in to the gateway and wait until ready. */
  async start(): Promise<void> {
    const route = this.cfg.guildId ? Routes.applicationGuildCommands(this.cfg.applicationId, this.cfg.guildId) : Routes.applicationCommands(this.cfg.applicationId);
    await this.rest.put(route, { body: this.core.list().map(slashCommand) });
    const ready = new Promise<void>((resolve) => this.client.once(Events.ClientReady, () => resolve()));
    await this.client.login(this.cfg.token);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([ready, new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the Discord gateway did not get ready within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    })]).finally(() => clearTimeout(timer));
    this.log.info({ user: this.client.user?.username, guild: this.cfg.guildId ?? 'global' }, 'discord bot ready');
  }

  /**
   * Start, and when Discord cannot be reached now, keep trying every `retryMs` in the background instead of
   * failing: the rest of Tiller (Telegram, the scheduler, alerts to other chats) must not depend on Discord.
   * Until it connects, /health names `discord` as down and its alerts wait in the outbox.
   */
  async startOrRetry(retryMs = 30_000): Promise<void> {
    try {
      await this.start();
    } catch (err) {
      this.log.error({ err, retryMs }, 'discord unavailable at start; retrying in the background');
      await this.client.destroy().catch(() => undefined);
      this.client = this.newClient();
      this.retry = setTimeout(() => void this.startOrRetry(retryMs), retryMs);
    }
  }

  async stop(): Promise<void> {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    await this.client.destroy();
  }

  private actor(i: Interaction): Actor {
    const member = i.member;
    const roles = !member ? [] : Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
    return { transport: DISCORD, userId: i.user.id, chatId: i.channelId ?? i.user.id, displayName: i.user.username, roles };
  }

  private async onInteraction(i: Interaction): Promise<void> {
    if (i.isChatInputCommand()) return this.onCommand(i);
    if (i.isButton()) return this.onButton(i);
    if (i.isAutocomplete()) return this.onAutocomplete(i);
  }

  private async onCommand(i: ChatInputCommandInteraction): Promise<void> {
    const def = this.byName.get(i.commandName);
    const args: string[] = [];
    for (const o of def?.options ?? []) {
      const v = i.options.get(o.name)?.value;
      if (v === undefined || v === null) break;
      args.push(...(o.rest ? String(v).split(/\s+/).filter(Boolean) : [String(v)]));
    }
    const work = this.core.handle(this.actor(i), i.commandName, args);
    const title = `/${i.commandName}`;
    const quick = await settledWithin(work, REPLY_WITHIN_MS);
    if (quick) {
      await i.reply({ ...this.message(title, quick), ...(isPrivate(quick) ? { flags: MessageFlags.Ephemeral } : {}) });
      return;
    }
    await i.deferReply();
    await i.editReply(this.message(title, await work));
  }

  /** A result as an embed with its buttons, and its chart attached (shown in the embed) for reports. */
  private message(title: string, r: CommandResult) {
    const embed = embedOf(title, r);
    const chart = chartOfResult(r, this.currency);
    if (chart) embed.setImage(`attachment://${CHART_FILE}`);
    return { embeds: [embed], components: confirmButtons(r), files: chart ? [new AttachmentBuilder(chart, { name: CHART_FILE })] : [] };
  }

  private async onButton(i: ButtonInteraction): Promise<void> {
    const m = /^cf:([0-9a-f]+):([yn])$/.exec(i.customId);
    const work = m ? this.core.confirm(this.actor(i), m[1]!, m[2] === 'y') : this.core.unknownButton(this.actor(i), i.customId);
    // A refusal (someone else's button) or an error (a token expired, used or tampered with) is answered to
    // the presser alone; only the requester's own confirmation or cancellation changes the shared card.
    const privately = (r: CommandResult) => r.kind === 'refused' || r.kind === 'error';
    const title = (r: CommandResult) => (r.kind === 'refused' ? 'Not allowed' : 'Confirmation');
    const quick = await settledWithin(work, REPLY_WITHIN_MS);
    if (quick && privately(quick)) {
      await i.reply({ embeds: [embedOf(title(quick), quick)], flags: MessageFlags.Ephemeral });
      return;
    }
    if (quick) {
      await i.update({ embeds: [embedOf('Confirmation', quick)], components: [] });
      return;
    }
    // Slow work: the presser is told privately; the card is then edited only for a confirmation that ran.
    await i.deferReply({ flags: MessageFlags.Ephemeral });
    const r = await work;
    await i.editReply({ embeds: [embedOf(title(r), r)] });
    if (!privately(r)) await i.message.edit({ embeds: [embedOf('Confirmation', r)], components: [] });
  }

  /** Suggestions come through the core, which answers only users whose role may run the command and
   * audits the call. */
  private async onAutocomplete(i: AutocompleteInteraction): Promise<void> {
    const focused = i.options.getFocused(true);
    const source = this.byName.get(i.commandName)?.options?.find((o) => o.name === focused.name)?.autocomplete;
    const typed = String(focused.value).toUpperCase();
    const found = await this.core.suggestions(this.actor(i), i.commandName, typed, async () => (source ? this.suggest(source, typed) : []));
    await i.respond(found.slice(0, 25).map((s) => ({ name: s, value: s })));
  }

  /** Alert sender for the dispatcher: an embed in the channel; `silent` suppresses the notification. */
  async sendAlert(channelId: string, event: BotEvent, opts: DeliveryOptions = { silent: false }): Promise<void> {
    const embed = new EmbedBuilder().setDescription(renderAlert(event, discordMarkdown, this.currency)).setColor(event.type === 'breaker_tripped' || event.type === 'job_failed' || (event.type === 'service_status' && !event.up) ? COLORS.bad : COLORS.ok);
    const chart = chartOfEvent(event, this.currency);
    if (chart) embed.setImage(`attachment://${CHART_FILE}`);
    const body = {
      embeds: [embed.toJSON()], ...(opts.silent ? { flags: MessageFlags.SuppressNotifications } : {}),
      ...(chart ? { attachments: [{ id: 0, filename: CHART_FILE }] } : {}),
    };
    try {
      await this.rest.post(Routes.channelMessages(channelId), { body, ...(chart ? { files: [{ name: CHART_FILE, data: chart, contentType: 'image/png' }] } : {}) });
    } catch (err) {
      if (err instanceof RateLimitError) throw new RateLimitedError(`Discord rate limit on ${err.route}`, Math.max(1, Math.ceil(err.timeToReset / 1000)));
      if (err instanceof DiscordAPIError && err.status >= 500) throw new TemporaryError(`Discord answered ${err.status}`);
      if (err instanceof HTTPError) throw new TemporaryError(`Discord answered ${err.status}`);
      if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) throw new TemporaryError('Discord did not answer in time');
      throw err;
    }
  }
}
