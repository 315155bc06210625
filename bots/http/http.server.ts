/** The HTTP server (fastify): GET /health (200, or 503 naming what is down), GET /metrics, and the routes
 * transports serve (the Telegram webhook). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { apiRequestDuration, apiRequestsTotal, registry } from '../../monitoring/metrics.js';
import { ApiTokens } from './api/api-tokens.js';
import { registerApi, type ApiDeps } from './api/api.routes.js';

/** A named check for /health; rejects when the part is down. */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 3_000;

async function runCheck(c: HealthCheck): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      c.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
}

/** A route a transport serves on the same HTTP server (the Telegram webhook). The handler gets Node's
 * request with the parsed JSON body and writes the response itself. */
export interface RawPostRoute {
  path: string;
  handle(req: IncomingMessage & { body?: unknown }, res: ServerResponse): Promise<void>;
}

/** The server with /health, /metrics, the transports' routes and, when `api` is given, the REST API. */
export function buildHttpServer(checks: HealthCheck[], posts: RawPostRoute[] = [], api?: ApiDeps, metricsToken?: string): FastifyInstance {
  // Unknown query or body fields are refused (400), not silently dropped: a misspelt filter must not look
  // like an answer to the question asked.
  const app = Fastify({ logger: false, bodyLimit: 1_048_576, ajv: { customOptions: { removeAdditional: false } } });
  // Labelled by the route's pattern (`/api/picks/:day`), never the path asked for: a stranger's invented
  // paths all count as `unmatched`, so they cannot add series.
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    apiRequestsTotal.inc({ route, status: String(reply.statusCode) });
    apiRequestDuration.observe({ route }, reply.elapsedTime / 1000);
  });
  if (api) registerApi(app, api);
  for (const route of posts) {
    app.post(route.path, async (req, reply) => {
      reply.hijack();
      await route.handle(Object.assign(req.raw, { body: req.body }), reply.raw);
    });
  }
  app.get('/health', async (_req, reply) => {
    const results = await Promise.all(checks.map(async (c) => [c.name, await runCheck(c)] as const));
    const down = results.filter(([, e]) => e !== null);
    const body = {
      status: down.length === 0 ? 'ok' : 'down',
      down: down.map(([n]) => n),
      checks: Object.fromEntries(results.map(([n, e]) => [n, e === null ? 'ok' : e])),
    };
    return reply.code(down.length === 0 ? 200 : 503).send(body);
  });
  // The same bearer check as the API's: the token compared as a digest in constant time.
  const scraper = metricsToken ? new ApiTokens([{ name: 'metrics', role: 'viewer', token: metricsToken }]) : null;
  app.get('/metrics', async (req, reply) => {
    if (scraper && !scraper.clientOf(req.headers.authorization)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send('a bearer token is required (METRICS_TOKEN)\n');
    }
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
  return app;
}
