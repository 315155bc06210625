/** Rationales from a local Ollama server through the `ollama` library (its /api/tags and /api/chat). Every
 * request is bounded by `timeoutMs`, including a streamed answer's body; a failure is a TemporaryError, so
 * the caller keeps the template rationale. */
import { Ollama } from 'ollama';
import { TemporaryError } from '../../domain/errors.js';
import type { RationaleWriter } from '../../ports/rationale.port.js';

export interface OllamaRationaleOptions {
  host: string;
  model: string;
  timeoutMs: number;
  /** Ask for a streamed answer (NDJSON chunks) instead of one JSON body. */
  stream: boolean;
}

export class OllamaRationaleWriter implements RationaleWriter {
  readonly name: string;
  private readonly client: Ollama;

  constructor(private readonly o: OllamaRationaleOptions) {
    this.name = `ollama ${o.model}`;
    const bounded: typeof fetch = (input, init) => {
      const timeout = AbortSignal.timeout(o.timeoutMs);
      return fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
    };
    this.client = new Ollama({ host: o.host, fetch: bounded });
  }

  async probe(): Promise<void> {
    const tags = await this.call(() => this.client.list(), 'list models');
    const names = (tags.models ?? []).map((m) => m.name);
    const wanted = this.o.model.includes(':') ? this.o.model : `${this.o.model}:latest`;
    if (!names.includes(this.o.model) && !names.includes(wanted)) {
      throw new TemporaryError(`the Ollama server has no model ${this.o.model} (it has ${names.join(', ') || 'none'}; run \`ollama pull ${this.o.model}\`)`);
    }
  }

  async write(system: string, prompt: string): Promise<string> {
    const messages = [{ role: 'system', content: system }, { role: 'user', content: prompt }];
    const options = { temperature: 0, seed: 1 };
    if (!this.o.stream) {
      const r = await this.call(() => this.client.chat({ model: this.o.model, messages, stream: false, options }), 'chat');
      if (typeof r?.message?.content !== 'string') throw new TemporaryError('Ollama answered without a message');
      return r.message.content;
    }
    return this.call(async () => {
      let text = '';
      for await (const part of await this.client.chat({ model: this.o.model, messages, stream: true, options })) {
        if (typeof part?.message?.content !== 'string') throw new TemporaryError('Ollama streamed a part without a message');
        text += part.message.content;
      }
      return text;
    }, 'chat (streamed)');
  }

  /** One library call, its failures as TemporaryError with a short reason (never the prompt). */
  private async call<T>(fn: () => Promise<T>, what: string): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof TemporaryError) throw err;
      const e = err as Error & { name?: string; status_code?: number };
      const why = e.name === 'TimeoutError' || e.name === 'AbortError' ? `no answer within ${this.o.timeoutMs} ms` : e.message.slice(0, 200);
      throw new TemporaryError(`Ollama ${what}: ${why}`, { cause: err });
    }
  }
}
