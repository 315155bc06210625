/** The console transport: a line-based chat on the terminal, with the same commands as Telegram. The
 * local user is the admin (whoever has the shell has the machine). Confirm with `/confirm TOKEN`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { CommandCore } from '../../src/commands/command-core.js';
import type { Actor } from '../../src/commands/command.types.js';
import type { BotEvent } from '../../src/domain/types.js';
import { plainMarkup } from '../shared/markup.js';
import { parseCommand } from '../shared/parse-command.js';
import { renderAlert } from '../shared/render-alert.js';
import { renderResult } from '../shared/render-result.js';
import { chartOfEvent, chartOfResult } from '../shared/report-image.js';

export const CONSOLE = 'console';
const actor: Actor = { transport: CONSOLE, userId: 'local', chatId: 'console', displayName: 'console' };

export class ConsoleBot {
  private rl: Interface | null = null;

  constructor(
    private readonly core: CommandCore,
    private readonly currency: string,
    private readonly input: NodeJS.ReadableStream = process.stdin,
    private readonly output: NodeJS.WritableStream = process.stdout,
    /** Where report charts are saved (a terminal cannot show them); null: not saved. */
    private readonly chartDir: string | null = null,
  ) {}

  /** Save a chart and return the line that names it. */
  private saveChart(png: Buffer | null, name: string): string {
    if (!png || !this.chartDir) return '';
    mkdirSync(this.chartDir, { recursive: true });
    const file = path.join(this.chartDir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.png`);
    writeFileSync(file, png);
    return `\nchart: ${file}`;
  }

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
    if (result.kind === 'report') text += this.saveChart(chartOfResult(result, this.currency), `${parsed.name}-${result.report.performance.to}`);
    if (result.kind === 'backtest') text += this.saveChart(chartOfResult(result, this.currency), `backtest-${result.backtest.id}`);
    if (result.kind === 'confirm') text += `\nType /confirm ${result.token} to go ahead, or /cancel ${result.token}.`;
    this.write(text);
  }

  async sendAlert(_chatId: string, event: BotEvent): Promise<void> {
    const name = event.type === 'daily_report' ? `daily-${event.day}` : event.type === 'weekly_report' ? `weekly-${event.to}` : event.type;
    this.write(`[alert] ${renderAlert(event, plainMarkup, this.currency)}${this.saveChart(chartOfEvent(event, this.currency), name)}`);
  }

  private write(text: string): void {
    this.output.write(`${text}\n`);
  }

  stop(): void {
    this.rl?.close();
    this.rl = null;
  }
}
