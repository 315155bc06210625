/** JSON schemas of the REST API's answers. They are the contract published in /api/openapi.json, and fastify
 * serialises with them, so a field that is not listed here never leaves the server (file paths, checksums). */

type Schema = Record<string, unknown>;

const num: Schema = { type: 'number' };
const int: Schema = { type: 'integer' };
const str: Schema = { type: 'string' };
const bool: Schema = { type: 'boolean' };
const day: Schema = { type: 'string', format: 'date' };
const time: Schema = { type: 'string', format: 'date-time' };
const nullable = (s: Schema): Schema => ({ ...s, type: [s.type as string, 'null'] });
const list = (items: Schema): Schema => ({ type: 'array', items });
const enumOf = (values: readonly string[]): Schema => ({ type: 'string', enum: [...values] });

/** An object whose every listed property is required (null where it has no value). */
export function object(properties: Record<string, Schema>, description?: string): Schema {
  return { type: 'object', ...(description ? { description } : {}), properties, required: Object.keys(properties), additionalProperties: false };
}

/** Named figures (a backtest's or a model's metrics): each a number or null. */
const figures: Schema = { type: 'object', additionalProperties: nullable(num) };

export const errorBody = object({ error: str }, 'What went wrong, in words; never a stack trace');

const PROFILE = ['conservative', 'aggressive'];
const STATUS = ['RUNNING', 'PAUSED', 'HALTED'];

export const statusBody = object({
  state: object({ status: enumOf(STATUS), reason: str, changedBy: str, changedAt: nullable(time) }),
  tradingDay: day, mode: enumOf(['paper', 'live']), broker: str, currency: str,
  equity: num, cash: num, exposure: num, dayPnl: num, openPositions: int,
  picksDay: nullable(day),
  lastPipeline: nullable(object({ asOf: day, status: str })),
  data: object({ lastBar: nullable(day), expected: day, stale: bool }, 'The last stored bar; stale when older than the last trading day'),
  strategy: object({ name: str, configured: str, gate: enumOf(['passed', 'failed', 'baseline', 'not evaluated']), reason: nullable(str), evaluatedAt: nullable(time) }),
  breakers: list(object({ name: str, stage: enumOf(['soft', 'hard']), value: num, limit: num, day, at: time })),
});

export const pickItem = object({
  day, profile: enumOf(PROFILE), strategy: str, model: { type: 'string', description: 'The model version or rule that scored it' }, symbol: str, sector: nullable(str), rank: int, score: num, confidence: num,
  entry: num, target: num, stopLoss: num, rationale: str,
  riskScore: { type: ['number', 'null'], description: '0–1, lower is safer (null on picks stored before it existed)' },
  recommendation: { type: ['string', 'null'], enum: ['strong buy', 'buy', 'hold', 'sell', 'strong sell', null] },
  snapshot: { ...nullable({ type: 'object' }), additionalProperties: nullable(num), description: 'The indicators of the signal day and the fundamentals known then' },
});

export const picksBody = object({
  day: nullable(day), strategy: nullable(str), traded: bool, strategies: list(str),
  total: int, offset: int, limit: int, items: list(pickItem),
});

export const positionsBody = object({
  currency: str, equity: num, cash: num,
  positions: list(object({
    symbol: str, qty: num, avgPrice: num, price: num, value: num, unrealizedPnl: num, stopLoss: num, target: num,
    highWater: num, openedDay: day, profile: nullable(enumOf(PROFILE)), model: nullable(str),
  })),
});

export const ordersBody = object({
  orders: list(object({
    clientOrderId: str, day, symbol: str, side: enumOf(['buy', 'sell']), type: str, qty: num, limitPrice: nullable(num), stopPrice: nullable(num),
    reason: str, status: str, pickProfile: nullable(enumOf(PROFILE)), createdAt: time, note: nullable(str),
  })),
});

export const tradesBody = object({
  currency: str,
  trades: list(object({
    symbol: str, qty: num, entryPrice: num, exitPrice: num, pnl: num, reason: str, openedDay: day, closedDay: day,
    profile: nullable(enumOf(PROFILE)), model: nullable(str), closedAt: time,
  })),
});

const tradeStats = { trades: int, wins: int, winRate: nullable(num), realizedPnl: num, profitFactor: nullable(num) };

export const performanceBody = object({
  currency: str,
  periods: list(object({
    label: enumOf(['day', 'week', 'month']), from: day, to: day, startEquity: num, endEquity: num, pnl: num, returnPct: num,
    sharpe: nullable(num), maxDrawdown: num, ...tradeStats,
  })),
  byProfile: list(object({ key: str, ...tradeStats })),
  byModel: list(object({ key: str, ...tradeStats })),
  shadows: list(object({
    strategy: str, profile: enumOf(PROFILE), traded: bool, firstDay: day, asOf: day, days: int, equity: num, totalReturn: num,
    sharpe: nullable(num), maxDrawdown: num, hitRate: nullable(num), trades: int,
  }, 'Every (strategy, profile) traded on paper from its stored picks (the leaderboard)')),
});

export const modelsBody = object({
  models: list(object({
    id: int, kind: str, version: int, status: enumOf(['candidate', 'active', 'rejected', 'retired']), reason: str,
    dataFrom: day, dataTo: day, horizon: int, folds: int, backend: str, trainSeconds: num, checksum: str, createdAt: time,
    metrics: object({ overall: figures, folds: list(figures) }), baseline: figures,
  })),
});

export const backtestBody = object({
  id: str, requestedBy: str, status: enumOf(['running', 'succeeded', 'failed']), startedAt: time, finishedAt: nullable(time),
  from: day, to: day, strategy: str, profile: str, metrics: nullable(figures), error: nullable(str),
});

export const stateChangedBody = object({ from: enumOf(STATUS), to: enumOf(STATUS), reason: str });

export const jobStartedBody = object({ job: str, day });
