/** A fake Ollama server speaking its HTTP API: GET /api/tags (the pulled models), POST /api/chat and
 * /api/generate, one JSON body or NDJSON chunks when the request streams. Its answer is made from the facts
 * in the prompt, as a well-behaved model would write it; `mode` makes it slow, failing, malformed or
 * inventive. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from './fake-http-server.js';

export type OllamaMode = 'facts' | 'invent' | 'slow' | 'malformed' | 'error' | 'empty';

export class FakeOllama extends FakeHttpServer {
  mode: OllamaMode = 'facts';
  slowMs = 2_000;
  models = ['llama3.2:latest'];
  readonly chats: Array<{ model: string; stream: boolean; system: string; prompt: string }> = [];
  tagRequests = 0;

  /** The answer to a prompt of pick facts: the symbol, its rank and its entry, target and stop as given. */
  static answerFor(prompt: string): string {
    const symbol = /^Symbol: (\S+)/m.exec(prompt)?.[1] ?? '?';
    const rank = /rank (\d+) of (\d+)/.exec(prompt);
    const levels = /Entry at the last close (\S+ \S+); target (\S+ \S+); stop (\S+ \S+)/.exec(prompt);
    return `${symbol} is ranked ${rank?.[1]} of ${rank?.[2]} by its strategy today. It enters at ${levels?.[1]}, `
      + `with a target of ${levels?.[2]} and a stop at ${levels?.[3]}.`;
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'GET' && url.pathname === '/api/tags') {
      this.tagRequests++;
      return this.json(res, 200, {
        models: this.models.map((name) => ({
          name, model: name, modified_at: '2026-11-30T10:00:00Z', size: 2_019_393_189, digest: 'a80c4f17acd5',
          details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
        })),
      });
    }
    if (req.method !== 'POST' || (url.pathname !== '/api/chat' && url.pathname !== '/api/generate')) return this.json(res, 404, { error: 'not found' });
    const body = JSON.parse(await this.readBody(req)) as { model: string; stream?: boolean; messages?: Array<{ role: string; content: string }>; prompt?: string; system?: string };
    const chat = url.pathname === '/api/chat';
    const system = chat ? body.messages?.find((m) => m.role === 'system')?.content ?? '' : body.system ?? '';
    const prompt = chat ? body.messages?.find((m) => m.role === 'user')?.content ?? '' : body.prompt ?? '';
    const stream = body.stream !== false; // Ollama streams unless told not to
    this.chats.push({ model: body.model, stream, system, prompt });
    if (!this.models.includes(body.model) && !this.models.includes(`${body.model}:latest`)) return this.json(res, 404, { error: `model "${body.model}" not found, try pulling it first` });
    if (this.mode === 'error') return this.json(res, 500, { error: 'llama runner process has terminated: signal: killed' });
    if (this.mode === 'slow') await new Promise((r) => setTimeout(r, this.slowMs));
    if (res.destroyed) return;
    if (this.mode === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"model":"llama3.2","message":{"role":"assistant","content":"AAPL is');
    }
    const text = this.mode === 'empty' ? '' : this.mode === 'invent'
      ? `${FakeOllama.answerFor(prompt)} Analysts expect it to rise 42 % by next quarter.`
      : FakeOllama.answerFor(prompt);
    const base = { model: body.model, created_at: new Date().toISOString() };
    const part = (content: string, done: boolean) => (chat ? { ...base, message: { role: 'assistant', content }, done } : { ...base, response: content, done });
    const end = { done_reason: 'stop', total_duration: 1_200_000_000, load_duration: 50_000_000, prompt_eval_count: 120, prompt_eval_duration: 300_000_000, eval_count: 60, eval_duration: 800_000_000 };
    if (!stream) return this.json(res, 200, { ...part(text, true), ...end });
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    for (const word of text.match(/\S+\s*/g) ?? []) res.write(`${JSON.stringify(part(word, false))}\n`);
    res.end(`${JSON.stringify({ ...part('', true), ...end })}\n`);
  }
}
