/** Every Prometheus metric of Tiller, in one place. Names follow Prometheus rules: `tiller_` prefix, base
 * units, `_total` for counters. Imports no application code. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'tiller_process_' });

export const commandsTotal = new Counter({
  name: 'tiller_commands_total', help: 'Chat commands handled, by command, transport and outcome.',
  labelNames: ['command', 'transport', 'outcome'] as const, registers: [registry],
});
export const commandDuration = new Histogram({
  name: 'tiller_command_duration_seconds', help: 'Time to handle a chat command in the core.',
  labelNames: ['command'] as const, buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
});
export const jobRunsTotal = new Counter({
  name: 'tiller_job_runs_total', help: 'Scheduled job runs, by job and outcome.', labelNames: ['job', 'outcome'] as const, registers: [registry],
});
export const jobDuration = new Histogram({
  name: 'tiller_job_duration_seconds', help: 'Duration of job runs.', labelNames: ['job'] as const,
  buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600], registers: [registry],
});
export const jobLastSuccess = new Gauge({
  name: 'tiller_job_last_success_timestamp_seconds', help: 'Unix time of the last successful run of each job, in any process (read from the job records at scrape time; without them, this process\'s own runs).',
  labelNames: ['job'] as const, registers: [registry],
  async collect() {
    if (!probes.jobLastSuccess) return;
    try {
      const last = await probes.jobLastSuccess();
      for (const [job, at] of last) this.set({ job }, at);
    } catch {
      // the last values stay; /metrics never fails for it
    }
  },
});
export const ordersTotal = new Counter({
  name: 'tiller_orders_total', help: 'Orders sent to the broker, by side, reason and result.', labelNames: ['side', 'reason', 'result'] as const, registers: [registry],
});
export const equity = new Gauge({ name: 'tiller_portfolio_equity', help: 'Portfolio equity in the account currency.', registers: [registry] });
export const cash = new Gauge({ name: 'tiller_portfolio_cash', help: 'Cash in the account currency.', registers: [registry] });
export const openPositions = new Gauge({ name: 'tiller_open_positions', help: 'Number of open positions.', registers: [registry] });
export const tradingState = new Gauge({
  name: 'tiller_trading_state', help: '1 for the current trading state (RUNNING, PAUSED, HALTED), 0 for the others.', labelNames: ['state'] as const, registers: [registry],
});
export const breakerTripsTotal = new Counter({
  name: 'tiller_breaker_trips_total', help: 'Circuit breaker trips, by breaker and stage (soft pauses, hard halts).', labelNames: ['breaker', 'stage'] as const, registers: [registry],
});
export const breakerStage = new Gauge({
  name: 'tiller_breaker_stage', help: 'Stage each circuit breaker is tripped at: 0 clear, 1 soft (PAUSED), 2 hard (HALTED).', labelNames: ['breaker'] as const, registers: [registry],
});
export const alertsDeliveredTotal = new Counter({
  name: 'tiller_alerts_delivered_total', help: 'Alert deliveries, by transport and result.', labelNames: ['transport', 'result'] as const, registers: [registry],
});
export const pipelineStepDuration = new Histogram({
  name: 'tiller_pipeline_step_duration_seconds', help: 'Duration of pipeline steps.', labelNames: ['step'] as const,
  buckets: [0.05, 0.25, 1, 5, 15, 30, 60, 120, 300], registers: [registry],
});

export const pipelineRowsTotal = new Counter({
  name: 'tiller_pipeline_rows_total', help: 'Rows written by pipeline steps.', labelNames: ['step'] as const, registers: [registry],
});
export const pipelineStepFailures = new Counter({
  name: 'tiller_pipeline_step_failures_total', help: 'Pipeline runs that failed, by the step that failed.', labelNames: ['step'] as const, registers: [registry],
});

/** Set the trading-state gauge so exactly one state reads 1. */
export const trainingProgressRatio = new Gauge({
  name: 'tiller_training_progress_ratio', help: 'Share of the current training step (a fold, or the final model) done, by model family.', labelNames: ['model'] as const, registers: [registry],
});
export const trainingFold = new Gauge({
  name: 'tiller_training_fold', help: 'Walk-forward fold being trained (1-based; 0 for the final model on every labelled day), by model family.', labelNames: ['model'] as const, registers: [registry],
});
export const trainingEpoch = new Gauge({
  name: 'tiller_training_epoch', help: 'Epoch being trained by a network family (1-based).', labelNames: ['model'] as const, registers: [registry],
});
export const trainingEtaSeconds = new Gauge({
  name: 'tiller_training_eta_seconds', help: 'Estimated seconds left in the current training step, by model family.', labelNames: ['model'] as const, registers: [registry],
});
export const tfBackendInfo = new Gauge({
  name: 'tiller_tfjs_backend_info', help: 'The TensorFlow.js backend this process chose (1 on its label): tensorflow, wasm or cpu.', labelNames: ['backend'] as const, registers: [registry],
});

/** One shadow portfolio as the gauges below show it. */
export interface ShadowReading {
  strategy: string;
  profile: string;
  totalReturn: number;
  sharpe: number | null;
  maxDrawdown: number;
  days: number;
}

let shadowSource: (() => Promise<ShadowReading[]>) | null = null;
let shadowRead: { at: number; rows: Promise<ShadowReading[]> } | null = null;

/** Where the shadow portfolio gauges read from at each scrape (the stored leaderboard), so whichever process
 * serves /metrics shows what any worker computed. */
export function setShadowSource(source: () => Promise<ShadowReading[]>): void {
  shadowSource = source;
  shadowRead = null;
}

/** A gauge per shadow-portfolio figure, filled at scrape time from one read shared by the four (a read that
 * fails leaves the last values: /metrics never fails for it). */
function shadowGauge(name: string, help: string, value: (r: ShadowReading) => number | null): Gauge<'strategy' | 'profile'> {
  return new Gauge({
    name, help, labelNames: ['strategy', 'profile'] as const, registers: [registry],
    async collect() {
      if (!shadowSource) return;
      if (!shadowRead || Date.now() - shadowRead.at > 1_000) shadowRead = { at: Date.now(), rows: shadowSource() };
      let rows: ShadowReading[];
      try {
        rows = await shadowRead.rows;
      } catch {
        shadowRead = null;
        return;
      }
      this.reset();
      for (const r of rows) {
        const v = value(r);
        if (v !== null && Number.isFinite(v)) this.set({ strategy: r.strategy, profile: r.profile }, v);
      }
    },
  });
}

export const shadowReturn = shadowGauge('tiller_shadow_return_ratio', 'Total return of each strategy and profile traded on paper from its picks (the leaderboard), as a fraction.', (r) => r.totalReturn);
export const shadowSharpe = shadowGauge('tiller_shadow_sharpe', 'Annualised Sharpe ratio of each shadow portfolio.', (r) => r.sharpe);
export const shadowMaxDrawdown = shadowGauge('tiller_shadow_max_drawdown_ratio', 'Largest fall from a peak of each shadow portfolio, as a fraction.', (r) => r.maxDrawdown);
export const shadowDays = shadowGauge('tiller_shadow_days_live', 'Trading days each shadow portfolio has been live.', (r) => r.days);

// --- trading and risk ---
export const exposureGauge = new Gauge({ name: 'tiller_portfolio_exposure', help: 'Market value of the open positions in the account currency.', registers: [registry] });
export const unrealizedPnlGauge = new Gauge({ name: 'tiller_portfolio_unrealized_pnl', help: 'Unrealised profit and loss of the open positions in the account currency.', registers: [registry] });
export const drawdownGauge = new Gauge({ name: 'tiller_portfolio_drawdown_ratio', help: 'Fall of equity from its highest end-of-day value, as a fraction (at the last snapshot).', registers: [registry] });
export const fillsTotal = new Counter({
  name: 'tiller_fills_total', help: 'Fills booked, by side.', labelNames: ['side'] as const, registers: [registry],
});
export const positionExitsTotal = new Counter({
  name: 'tiller_position_exits_total', help: 'Sells filled, by why the position was closed (stop, target, trailing stop, time, signal, halt, ...).', labelNames: ['reason'] as const, registers: [registry],
});
export const brokerRequestsTotal = new Counter({
  name: 'tiller_broker_requests_total', help: 'Broker calls, by operation and outcome (ok, temporary, rate_limited, error).', labelNames: ['operation', 'outcome'] as const, registers: [registry],
});
export const brokerRequestDuration = new Histogram({
  name: 'tiller_broker_request_duration_seconds', help: 'Duration of broker calls (each attempt).', labelNames: ['operation'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry],
});

// --- pipeline and picks ---
export const pipelineLastSuccess = new Gauge({
  name: 'tiller_pipeline_last_success_timestamp_seconds', help: 'Unix time the last pipeline run succeeded.', registers: [registry],
});
export const pipelineQuarantinedTotal = new Counter({
  name: 'tiller_pipeline_quarantined_rows_total', help: 'Provider rows rejected or flagged by the pipeline.', registers: [registry],
});
export const picksGauge = new Gauge({
  name: 'tiller_picks', help: 'Picks of the latest picks run, by risk profile.', labelNames: ['profile'] as const, registers: [registry],
});

// --- chat, alerts and API ---
export const alertsRaisedTotal = new Counter({
  name: 'tiller_alerts_raised_total', help: 'Alerts raised (before delivery to each chat), by type.', labelNames: ['type'] as const, registers: [registry],
});
export const chatRateLimitedTotal = new Counter({
  name: 'tiller_chat_rate_limited_total', help: 'Chat API answers asking to slow down (429), by transport.', labelNames: ['transport'] as const, registers: [registry],
});
export const apiRequestsTotal = new Counter({
  name: 'tiller_api_requests_total', help: 'HTTP requests served, by route (unmatched for any other path) and status code.', labelNames: ['route', 'status'] as const, registers: [registry],
});
export const apiRequestDuration = new Histogram({
  name: 'tiller_api_request_duration_seconds', help: 'Time to answer an HTTP request, by route.', labelNames: ['route'] as const,
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
});

// --- process ---
export const buildInfo = new Gauge({
  name: 'tiller_build_info', help: 'Always 1: the version and role (start, bot, worker, ...) of this process.', labelNames: ['version', 'role'] as const, registers: [registry],
});

/** Readers of state that lives outside this process (the alert outbox, the database, Redis), called at
 * scrape time; each may be absent (a process without it reports nothing). */
export interface ScrapeProbes {
  /** Alert deliveries waiting in the outbox. */
  outboxPending?: () => Promise<number>;
  /** Whether PostgreSQL answers. */
  database?: () => Promise<boolean>;
  /** Whether Redis answers (absent when Redis is not configured). */
  redis?: () => Promise<boolean>;
  /** Unix seconds each job last succeeded, in any process (the shared job records). */
  jobLastSuccess?: () => Promise<Map<string, number>>;
}
const probes: ScrapeProbes = {};

/** Set what the scrape-time gauges below read; a gauge is served from the first time its probe is given (a
 * process without Redis serves no `tiller_redis_up`, rather than a 0 that would read as "Redis is down"). */
export function setScrapeProbes(p: ScrapeProbes): void {
  Object.assign(probes, p);
  const served: Array<[keyof ScrapeProbes, string, Gauge]> = [
    ['outboxPending', 'tiller_alert_outbox_pending', outboxPendingGauge], ['database', 'tiller_database_up', databaseUpGauge], ['redis', 'tiller_redis_up', redisUpGauge],
  ];
  for (const [key, name, gauge] of served) if (probes[key] && !registry.getSingleMetric(name)) registry.registerMetric(gauge);
}

/** A gauge read at scrape time through `read`, registered by {@link setScrapeProbes}; a read that fails sets
 * `onError` (or leaves the last value). */
function probeGauge(name: string, help: string, read: () => (() => Promise<number>) | undefined, onError: number | null): Gauge {
  return new Gauge({
    name, help, registers: [],
    async collect() {
      const fn = read();
      if (!fn) return;
      try {
        this.set(await fn());
      } catch {
        if (onError !== null) this.set(onError);
      }
    },
  });
}

export const outboxPendingGauge = probeGauge('tiller_alert_outbox_pending', 'Alert deliveries waiting in the outbox (due or backing off).', () => probes.outboxPending, null);
export const databaseUpGauge = probeGauge('tiller_database_up', '1 when PostgreSQL answered at the last scrape, 0 when it did not.',
  () => (probes.database ? async () => ((await probes.database!()) ? 1 : 0) : undefined), 0);
export const redisUpGauge = probeGauge('tiller_redis_up', '1 when Redis answered at the last scrape, 0 when it did not (absent without Redis).',
  () => (probes.redis ? async () => ((await probes.redis!()) ? 1 : 0) : undefined), 0);

export function setTradingStateMetric(current: string): void {
  for (const s of ['RUNNING', 'PAUSED', 'HALTED']) tradingState.set({ state: s }, s === current ? 1 : 0);
}

/** Start every known label set at zero, so "nothing happened" reads 0 instead of no data. */
export function initMetricLabels(known: { jobs: readonly string[]; breakers: readonly string[]; transports: readonly string[] }): void {
  for (const job of known.jobs) for (const outcome of ['success', 'failure']) jobRunsTotal.inc({ job, outcome }, 0);
  for (const breaker of known.breakers) {
    for (const stage of ['soft', 'hard']) breakerTripsTotal.inc({ breaker, stage }, 0);
    breakerStage.set({ breaker }, 0);
  }
  for (const transport of known.transports) {
    for (const result of ['delivered', 'retry', 'failed']) alertsDeliveredTotal.inc({ transport, result }, 0);
    chatRateLimitedTotal.inc({ transport }, 0);
  }
  for (const operation of ['submit', 'cancel', 'order_state', 'open_orders', 'positions']) {
    for (const outcome of ['ok', 'temporary', 'rate_limited', 'error']) brokerRequestsTotal.inc({ operation, outcome }, 0);
  }
  for (const side of ['buy', 'sell']) fillsTotal.inc({ side }, 0);
  pipelineQuarantinedTotal.inc(0);
}
