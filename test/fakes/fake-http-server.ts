/** The plumbing every fake server shares: listen on a free loopback port, close, read a body, answer JSON. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export abstract class FakeHttpServer {
  private server: Server | null = null;

  /** Start listening; returns the base URL (http://127.0.0.1:PORT). */
  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** The request body as text. */
  protected async readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  protected json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  protected abstract handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

/** US daylight saving time (second Sunday of March to first Sunday of November): when New York is UTC-4. */
export function isUsSummerTime(day: string): boolean {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const nthSunday = (month: number, n: number) => 1 + ((7 - new Date(Date.UTC(y, month - 1, 1)).getUTCDay()) % 7) + (n - 1) * 7;
  if (m < 3 || m > 11) return false;
  if (m > 3 && m < 11) return true;
  return m === 3 ? d >= nthSunday(3, 2) : d < nthSunday(11, 1);
}
