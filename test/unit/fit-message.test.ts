/** Replies that echo long input fit the transports' limits (Telegram refuses messages over 4,096
 * characters) without breaking Telegram's HTML. */
import { describe, expect, it } from 'vitest';
import { fitMessage, telegramHtml } from '../../bots/shared/markup.js';
import { renderResult } from '../../bots/shared/render-result.js';

const balanced = (s: string) => ['b', 'code'].every((t) => (s.match(new RegExp(`<${t}>`, 'g')) ?? []).length === (s.match(new RegExp(`</${t}>`, 'g')) ?? []).length);

describe('fitMessage', () => {
  it('leaves text within the limit alone', () => {
    expect(fitMessage('<b>ok</b> &amp; fine', 4096)).toBe('<b>ok</b> &amp; fine');
  });

  it('cuts a long reply at a line break, says how much was left out, and keeps the tags balanced', () => {
    const long = renderResult({ kind: 'error', message: `Unknown symbol ${'<Z&>'.repeat(1500)}` }, telegramHtml) + '\n' + Array.from({ length: 200 }, (_, i) => `<b>line ${i}</b> &amp; more`).join('\n');
    expect(long.length).toBeGreaterThan(4096);
    const out = fitMessage(long, 4096);
    expect(out.length).toBeLessThanOrEqual(4096);
    expect(out).toMatch(/\n… \([\d,]+ more characters not shown\)$/);
    expect(balanced(out)).toBe(true);
    expect(out).not.toMatch(/&[a-z]*\n…/); // no entity cut in half
  });

  it('cuts one long line mid-line without splitting a tag or an entity, closing what it left open', () => {
    const line = `<b>${'&lt;x&gt; '.repeat(300)}</b>`;
    const out = fitMessage(line, 1024);
    expect(out.length).toBeLessThanOrEqual(1024);
    expect(balanced(out)).toBe(true);
    expect(out.replace(/\n….*$/, '')).toMatch(/(&lt;|&gt;|x| )<\/b>$/);
  });
});
