/** Parses `/name@bot arg1 arg2` into a command name and arguments; null when the text is no command. */
export function parseCommand(text: string): { name: string; args: string[] } | null {
  const t = text.trim();
  if (!t.startsWith('/')) return null;
  const [head = '', ...args] = t.slice(1).split(/\s+/);
  const name = head.split('@')[0]?.toLowerCase() ?? '';
  return name ? { name, args } : null;
}
