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

export function money(x: number, currency: string): string {
  return `${x < 0 ? '-' : ''}${Math.abs(x).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
}

export function signedMoney(x: number, currency: string): string {
  return `${x > 0 ? '+' : ''}${money(x, currency)}`;
}

export function price(x: number): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 });
}
