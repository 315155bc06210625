/** Spaces sends to respect a platform's rate limits: at most `perSecond` overall and one per `perChatMs` in
 * each chat (Telegram: about 30 messages a second overall, one a second per chat). Each caller reserves the
 * next free slot and waits for it, so concurrent sends queue up instead of bursting. */
export interface RateLimits {
  /** Sends per second across all chats; 0 = no overall limit. */
  perSecond: number;
  /** Minimum milliseconds between two sends to the same chat (or per chat id); 0 = none. */
  perChatMs: number | ((chatId: string) => number);
}

export class RateGate {
  private nextGlobal = 0;
  private readonly nextChat = new Map<string, number>();

  constructor(private readonly limits: RateLimits, private readonly now: () => number = Date.now) {}

  /** Resolves when a send to `chatId` may go out. */
  async wait(chatId: string): Promise<void> {
    const t = this.now();
    const slot = Math.max(t, this.nextGlobal, this.nextChat.get(chatId) ?? 0);
    if (this.limits.perSecond > 0) this.nextGlobal = slot + 1000 / this.limits.perSecond;
    const perChat = typeof this.limits.perChatMs === 'function' ? this.limits.perChatMs(chatId) : this.limits.perChatMs;
    if (perChat > 0) this.nextChat.set(chatId, slot + perChat);
    if (slot > t) await new Promise((r) => setTimeout(r, slot - t));
  }
}
