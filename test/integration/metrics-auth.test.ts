/** /metrics behind an optional bearer token (METRICS_TOKEN) on the real fastify server; loopback by default. */
import { describe, expect, it } from 'vitest';
import { buildHttpServer } from '../../bots/http/http.server.js';
import { loadConfig } from '../../src/config.js';

const TOKEN = 'm'.repeat(30);

describe('/metrics access', () => {
  it('asks for the token when METRICS_TOKEN is set, and is open on loopback by default', async () => {
    const locked = buildHttpServer([], [], undefined, TOKEN);
    try {
      expect((await locked.inject({ url: '/metrics' })).statusCode).toBe(401);
      expect((await locked.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}x` } })).statusCode).toBe(401);
      const ok = await locked.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('tiller_commands_total');
      // /health stays open: orchestrators probe it without credentials.
      expect((await locked.inject({ url: '/health' })).statusCode).toBe(200);
    } finally {
      await locked.close();
    }
    const open = buildHttpServer([]);
    try {
      expect((await open.inject({ url: '/metrics' })).statusCode).toBe(200);
    } finally {
      await open.close();
    }
    const c = loadConfig({ env: {}, dotenvDir: null });
    expect(c.http).toEqual({ port: 8080, host: '127.0.0.1', metricsToken: undefined });
    expect(() => loadConfig({ env: { METRICS_TOKEN: 'short' }, dotenvDir: null })).toThrow(/METRICS_TOKEN: 24 to 256 URL-safe characters/);
  });
});
