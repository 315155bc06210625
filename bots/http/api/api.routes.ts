/** The REST API under /api: a thin transport over the command core, like the chats. Every request names its
 * client by a bearer token; the core checks the client's role and audits the call (transport `api`, the
 * client's name as user id), allowed or refused. JSON schemas validate the input and shape every answer;
 * @fastify/swagger publishes them at /api/openapi.json. Rate-limited per client. */
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BACKTEST_ID } from '../../../src/backtest/backtest-job.js';
import type { CommandCore } from '../../../src/commands/command-core.js';
import type { Actor, CommandResult } from '../../../src/commands/command.types.js';
import type { AppConfig } from '../../../src/config.js';
import type { ApiTokens } from './api-tokens.js';
import {
  backtestBody, errorBody, jobStartedBody, modelsBody, ordersBody, performanceBody, picksBody, positionsBody, stateChangedBody, statusBody, tradesBody,
} from './api.schemas.js';

/** The transport name of API calls in the audit log, metrics and role lists. */
export const API_TRANSPORT = 'api';
/** The audit log's user id for a request without a valid token (no client may be named so). */
const NO_CLIENT = '(no valid token)';

/** What the API needs: the command core and the configured clients. */
export interface ApiDeps {
  core: CommandCore;
  tokens: ApiTokens;
  config: Pick<AppConfig, 'api'>;
  version: string;
  log: { error(obj: object, msg: string): void };
}

type Query = Record<string, string | number | undefined>;
type Result<K extends CommandResult['kind']> = Extract<CommandResult, { kind: K }>;

/** One route: the command it runs, its arguments from the request, and its answer from the result. */
interface Route<K extends CommandResult['kind']> {
  method: 'GET' | 'POST';
  url: string;
  summary: string;
  command: string;
  kind: K;
  status?: 200 | 202;
  params?: Record<string, unknown>;
  querystring?: Record<string, unknown>;
  body?: Record<string, unknown>;
  response: Record<string, unknown>;
  args(req: { params: Query; query: Query; body: Query | undefined }): string[];
  answer(r: Result<K>, req: { query: Query }): unknown;
}

type AnyRoute = Route<CommandResult['kind']>;
/** A route typed by its result kind, kept in one list with the others. */
const def = <K extends CommandResult['kind']>(r: Route<K>): AnyRoute => r as unknown as AnyRoute;

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const PICK_SORTS = ['rank', 'score', 'confidence', 'symbol'] as const;

function routes(maxPage: number): AnyRoute[] {
  const pickFilters = {
    profile: { type: 'string', enum: ['conservative', 'aggressive'] },
    model: { type: 'string', description: 'A strategy or model (default: the traded one)', pattern: '^[a-z0-9-]{1,40}$' },
    sector: { type: 'string', minLength: 1, maxLength: 80 },
    sort: { type: 'string', enum: PICK_SORTS, default: 'rank' },
    order: { type: 'string', enum: ['asc', 'desc'], default: 'asc' },
    offset: { type: 'integer', minimum: 0, maximum: 100_000, default: 0 },
    limit: { type: 'integer', minimum: 1, maximum: maxPage, default: Math.min(50, maxPage) },
  };
  const dayParam = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' };
  const pickArgs = (q: Query, day: string | undefined) =>
    [day, q.profile, q.model, q.sector].filter((x): x is string => typeof x === 'string' && x !== '');
  const picksAnswer = (r: Result<'picks'>, q: Query) => {
    const all = [...r.byProfile.conservative, ...r.byProfile.aggressive].map((p) => ({
      day: p.day, profile: p.profile, strategy: r.strategy, model: p.model, symbol: p.symbol, sector: p.sector, rank: p.rank, score: p.score,
      confidence: p.confidence, entry: p.entry, target: p.target, stopLoss: p.stopLoss, rationale: p.rationale,
      riskScore: p.details?.riskScore ?? null, recommendation: p.details?.recommendation ?? null, snapshot: p.details?.snapshot ?? null,
    }));
    const key = (q.sort ?? 'rank') as (typeof PICK_SORTS)[number];
    const sign = q.order === 'desc' ? -1 : 1;
    all.sort((a, b) => sign * (key === 'symbol' ? a.symbol.localeCompare(b.symbol) : a[key] - b[key]) || a.profile.localeCompare(b.profile) || a.rank - b.rank);
    const offset = Number(q.offset ?? 0);
    const limit = Number(q.limit ?? 50);
    return { day: r.day, strategy: r.strategy, traded: r.traded, strategies: r.strategies, total: all.length, offset, limit, items: all.slice(offset, offset + limit) };
  };
  const reason = { type: 'object', properties: { reason: { type: 'string', maxLength: 500 } }, additionalProperties: false };
  return [
    def({
      method: 'GET', url: '/status', summary: 'Trading state, equity, cash, breakers, data freshness and the traded strategy', command: 'status', kind: 'status',
      response: statusBody, args: () => [],
      answer: (r: Result<'status'>) => ({
        ...r, state: { ...r.state, changedAt: iso(r.state.changedAt) }, strategy: { ...r.strategy, evaluatedAt: iso(r.strategy.evaluatedAt) },
        breakers: r.breakers.map((b) => ({ ...b, at: b.at.toISOString() })),
      }),
    }),
    def({
      method: 'GET', url: '/picks', summary: 'The latest picks (or a day\'s) of a strategy, filtered, sorted and paged', command: 'picks', kind: 'picks',
      querystring: { type: 'object', properties: { day: dayParam, ...pickFilters }, additionalProperties: false },
      response: picksBody, args: ({ query }) => pickArgs(query, query.day as string | undefined), answer: (r: Result<'picks'>, { query }) => picksAnswer(r, query),
    }),
    def({
      method: 'GET', url: '/picks/:day', summary: 'One day\'s picks of a strategy, filtered, sorted and paged', command: 'picks', kind: 'picks',
      params: { type: 'object', properties: { day: dayParam }, required: ['day'] },
      querystring: { type: 'object', properties: pickFilters, additionalProperties: false },
      response: picksBody, args: ({ params, query }) => pickArgs(query, params.day as string), answer: (r: Result<'picks'>, { query }) => picksAnswer(r, query),
    }),
    def({
      method: 'GET', url: '/positions', summary: 'Open positions valued at the last price', command: 'positions', kind: 'positions',
      response: positionsBody, args: () => [], answer: (r: Result<'positions'>) => r,
    }),
    def({
      method: 'GET', url: '/orders', summary: 'The latest orders, newest first', command: 'orders', kind: 'orders',
      querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 15 } }, additionalProperties: false },
      response: ordersBody, args: ({ query }) => [String(query.limit ?? 15)],
      answer: (r: Result<'orders'>) => ({ orders: r.orders.map((o) => ({ ...o, createdAt: o.createdAt.toISOString() })) }),
    }),
    def({
      method: 'GET', url: '/trades', summary: 'The latest closed trades, newest first', command: 'trades', kind: 'trades',
      querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 15 } }, additionalProperties: false },
      response: tradesBody, args: ({ query }) => [String(query.limit ?? 15)],
      answer: (r: Result<'trades'>) => ({ currency: r.currency, trades: r.trades.map((t) => ({ ...t, closedAt: t.closedAt.toISOString() })) }),
    }),
    def({
      method: 'GET', url: '/performance', summary: 'Day, week and month performance, by profile and model, and every shadow portfolio', command: 'performance', kind: 'performance',
      response: performanceBody, args: () => [], answer: (r: Result<'performance'>) => r,
    }),
    def({
      method: 'GET', url: '/models', summary: 'The model registry: every trained model and rule evaluation with its out-of-sample figures', command: 'models', kind: 'models',
      response: modelsBody, args: () => [],
      answer: (r: Result<'models'>) => ({ models: r.models.map((x) => ({ ...x, createdAt: x.createdAt.toISOString() })) }),
    }),
    def({
      method: 'GET', url: '/backtests/:id', summary: 'One backtest run and its headline figures', command: 'backtests', kind: 'backtests',
      params: { type: 'object', properties: { id: { type: 'string', pattern: BACKTEST_ID.source } }, required: ['id'] },
      response: backtestBody, args: ({ params }) => [params.id as string],
      answer: (r: Result<'backtests'>) => {
        const b = r.runs[0]!;
        return { ...b, startedAt: b.startedAt.toISOString(), finishedAt: iso(b.finishedAt) };
      },
    }),
    def({
      method: 'POST', url: '/admin/pause', summary: 'Stop new entries (open positions keep their stops and targets)', command: 'pause', kind: 'state_changed',
      body: reason, response: stateChangedBody, args: ({ body }) => (body?.reason ? [String(body.reason)] : []), answer: (r: Result<'state_changed'>) => r,
    }),
    def({
      method: 'POST', url: '/admin/resume', summary: 'Resume trading (clears tripped breakers)', command: 'resume', kind: 'state_changed',
      body: reason, response: stateChangedBody, args: ({ body }) => (body?.reason ? [String(body.reason)] : []), answer: (r: Result<'state_changed'>) => r,
    }),
    def({
      method: 'POST', url: '/admin/jobs/:name/run', summary: 'Start a daily job now; it runs on in the background (see /api/status, chat /jobs)', command: 'run', kind: 'job_started', status: 202,
      params: { type: 'object', properties: { name: { type: 'string', pattern: '^[a-z-]{1,40}$' } }, required: ['name'] },
      response: jobStartedBody, args: ({ params }) => [params.name as string], answer: (r: Result<'job_started'>) => r,
    }),
  ];
}

const ERRORS = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 429: errorBody, 500: errorBody, 503: errorBody };

/** Register the API under /api on `app` (it loads with the server: `ready()` or `listen()`). */
export function registerApi(app: FastifyInstance, deps: ApiDeps): void {
  const clients = new WeakMap<FastifyRequest, Actor>();
  const actorOf = (req: FastifyRequest): Actor => {
    let a = clients.get(req);
    if (!a) {
      const client = deps.tokens.clientOf(req.headers.authorization);
      a = { transport: API_TRANSPORT, userId: client?.name ?? NO_CLIENT, chatId: client ? API_TRANSPORT : req.ip, displayName: client?.name };
      clients.set(req, a);
    }
    return a;
  };
  void app.register(async (api) => {
    await api.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: { title: 'Tiller API', version: deps.version, description: 'Picks, positions, performance and trading state of a Tiller instance; the same commands and roles as the chats.' },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from API_TOKENS; its role (viewer, operator, admin) decides what it may do' } } },
        security: [{ bearer: [] }],
      },
    });
    const { max, windowSeconds } = deps.config.api.rateLimit;
    await api.register(rateLimit, {
      max, timeWindow: windowSeconds * 1000,
      keyGenerator: (req) => { const a = actorOf(req); return a.userId === NO_CLIENT ? `ip:${req.ip}` : `client:${a.userId}`; },
      errorResponseBuilder: (_req, ctx) => ({ statusCode: 429, error: `Too many requests: at most ${ctx.max} per ${windowSeconds} s; retry in ${Math.ceil(ctx.ttl / 1000)} s` }),
    });
    api.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown; validationContext?: string }, req, reply) => {
      if (err.validation) return reply.code(400).send({ error: err.message });
      const code = err.statusCode ?? 500;
      if (code === 429) return reply.code(429).send({ error: (err as { error?: string }).error ?? 'Too many requests' });
      if (code >= 400 && code < 500) return reply.code(code).send({ error: err.message });
      deps.log.error({ err, url: req.url }, 'api request failed');
      return reply.code(500).send({ error: 'Internal error; it has been logged.' });
    });
    api.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `No route ${req.method} ${req.url.split('?')[0]}; see /api/openapi.json` }));
    api.get('/openapi.json', { schema: { hide: true } }, async () => api.swagger());

    for (const route of routes(deps.config.api.maxPageSize)) {
      api.route({
        method: route.method, url: route.url,
        schema: {
          summary: route.summary, ...(route.params ? { params: route.params } : {}), ...(route.querystring ? { querystring: route.querystring } : {}),
          ...(route.body ? { body: route.body } : {}), response: { [route.status ?? 200]: route.response, ...ERRORS },
        },
        handler: async (req: FastifyRequest, reply: FastifyReply) => {
          const actor = actorOf(req);
          const input = { params: req.params as Query, query: req.query as Query, body: req.body as Query | undefined };
          const result = await deps.core.handle(actor, route.command, route.args(input));
          return answer(reply, result, route, input, actor.userId === NO_CLIENT);
        },
      });
    }
  }, { prefix: '/api' });
}

/** The HTTP answer of a command result. */
function answer(reply: FastifyReply, r: CommandResult, route: AnyRoute, req: { query: Query }, anonymous: boolean): FastifyReply {
  if (r.kind === 'refused') {
    if (anonymous) return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'A valid bearer token is required (Authorization: Bearer <token>).' });
    return reply.code(403).send({ error: r.reason });
  }
  if (r.kind === 'error') {
    const code = r.cause === 'internal' ? 500 : r.cause === 'not_found' ? 404 : r.cause === 'unavailable' ? 503 : 400;
    return reply.code(code).send({ error: r.message });
  }
  if (r.kind !== route.kind) {
    // A command that asks for confirmation (none of the routes' commands does) has no place in the API.
    return reply.code(500).send({ error: 'Internal error; it has been logged.' });
  }
  return reply.code(route.status ?? 200).send(route.answer(r, req));
}
