/** The console transport: a line-based chat on the terminal, with the same commands as Telegram. The
 * local user is the admin (whoever has the shell has the machine). Confirm with `/confirm TOKEN`. */
import { createInterface, type Interface } from 'node:readline';
import type { CommandCore } from '../../src/commands/command-core.js';
import type { Actor } from '../../src/commands/command.types.js';
import type { BotEvent } from '../../src/domain/types.js';
import { plainMarkup } from '../shared/markup.js';
import { parseCommand } from '../shared/parse-command.js';
import { renderAlert } from '../shared/render-alert.js';
import { renderResult } from '../shared/render-result.js';

export const CONSOLE = 'console';
const actor: Actor = { transport: CONSOLE, userId: 'local', chatId: 'console', displayName: 'console' };

export class ConsoleBot {
  private rl: Interface | null = null;

  constructor(
    private readonly core: CommandCore,
    private readonly currency: string,
    private readonly input: NodeJS.ReadableStream = process.stdin,
    private readonly output: NodeJS.WritableStream = process.stdout,
  ) {}

  start(): void {
    this.rl = createInterface({ input: this.input, terminal: false });
    this.write('Tiller console. Type /help for commands.');
    this.rl.on('line', (line) => void this.onLine(line));
  }

  private async onLine(line: string): Promise<void> {
    const parsed = parseCommand(line);
    if (!parsed) {
      if (line.trim()) this.write('Commands start with /. Type /help.');
      return;
    }
    if (parsed.name === 'confirm' || parsed.name === 'cancel') {
      const token = parsed.args[0];
      if (!token) return this.write(`Usage: /${parsed.name} TOKEN`);
      return this.write(renderResult(await this.core.confirm(actor, token, parsed.name === 'confirm'), plainMarkup));
    }
    const result = await this.core.handle(actor, parsed.name, parsed.args);
    let text = renderResult(result, plainMarkup);
    if (result.kind === 'confirm') text += `\nType /confirm ${result.token} to go ahead, or /cancel ${result.token}.`;
    this.write(text);
  }

  async sendAlert(_chatId: string, event: BotEvent): Promise<void> {
    this.write(`[alert] ${renderAlert(event, plainMarkup, this.currency)}`);
  }

  private write(text: string): void {
    this.output.write(`${text}\n`);
  }

  stop(): void {
    this.rl?.close();
    this.rl = null;
  }
}
