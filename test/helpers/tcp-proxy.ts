/** A TCP proxy in front of a real server, for network faults: `cut()` drops every connection and refuses new
 * ones (the server looks down), `restore()` accepts again on the same port. */
import net from 'node:net';

export class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly targetHost: string, private readonly targetPort: number) {}

  /** Listen (on `port`, or a free one the first time); returns the port. */
  async start(): Promise<number> {
    const server = net.createServer((client) => {
      if (this.server !== server) {
        client.destroy(); // accepted as the proxy was cut
        return;
      }
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      this.server = null;
      throw err;
    });
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Drop every open connection and stop accepting: connecting is refused until restore(). Not waiting for
   * close()'s callback: a connection accepted in the same instant would keep it waiting for ever. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    server?.close();
    for (const s of this.sockets) s.destroy();
  }

  /** Accept again (a no-op while already accepting). The port of the server just closed may take a moment to
   * be free again: tried for up to 5 s. */
  async restore(): Promise<void> {
    for (let tries = 0; !this.server; tries++) {
      try {
        await this.start();
      } catch (err) {
        if (tries >= 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}
