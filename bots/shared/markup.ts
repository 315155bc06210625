/** How a transport marks up text. Renderers write once against this; each transport supplies its own. */
export interface Markup {
  bold(s: string): string;
  code(s: string): string;
  escape(s: string): string;
}

export const plainMarkup: Markup = { bold: (s) => s, code: (s) => s, escape: (s) => s };

const htmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Telegram's HTML parse mode. */
export const telegramHtml: Markup = {
  bold: (s) => `<b>${htmlEscape(s)}</b>`,
  code: (s) => `<code>${htmlEscape(s)}</code>`,
  escape: htmlEscape,
};

/** Text cut to a transport's limit (Telegram: 4,096 characters a message, 1,024 a caption; a Discord embed:
 * 4,096): at the last line break that fits, else mid-line without splitting a tag or an entity, any tag
 * left open closed, and a note of how much was left out. */
export function fitMessage(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const note = (left: number) => `\n… (${left.toLocaleString('en-US')} more characters not shown)`;
  const room = limit - note(text.length).length - '</code></b>'.length;
  let cut = text.lastIndexOf('\n', room);
  if (cut < room / 2) cut = room;
  let head = text.slice(0, cut).replace(/<[^>]*$/, '').replace(/&[a-z#0-9]*$/, '');
  for (const tag of ['code', 'b']) {
    const opened = (head.match(new RegExp(`<${tag}>`, 'g')) ?? []).length;
    const closed = (head.match(new RegExp(`</${tag}>`, 'g')) ?? []).length;
    if (opened > closed) head += `</${tag}>`;
  }
  return head + note(text.length - head.length);
}

/** Number formats made once: toLocaleString builds a new formatter on every call (the largest cost of
 * rendering a reply under load). */
const MONEY = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const PRICE = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 });

export function money(x: number, currency: string): string {
  return `${x < 0 ? '-' : ''}${MONEY.format(Math.abs(x))} ${currency}`;
}

export function signedMoney(x: number, currency: string): string {
  return `${x > 0 ? '+' : ''}${money(x, currency)}`;
}

export function price(x: number): string {
  return PRICE.format(x);
}
