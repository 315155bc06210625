/** Text from outside (files, chat, button data) made safe to show or store. */

/** `s` cut to `max` characters with an ellipsis and its control characters shown as U+FFFD: a file's junk (a
 * 5 MB cell, a NUL byte, which PostgreSQL text refuses) never breaks or grows the message or row it goes into. */
export function clip(s: string, max: number): string {
  const cut = s.length <= max ? s : `${s.slice(0, max - 1)}…`;
  // eslint-disable-next-line no-control-regex
  return cut.replace(/[\u0000-\u001f\u007f]/g, '\ufffd');
}
