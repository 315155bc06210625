/** The six provisioned Grafana dashboards, written from this one description (`npm run dashboards`): every
 * panel the same shape, laid out two to a row. A test checks the committed JSON equals what this writes, and
 * runs every query against a real Prometheus scraping Tiller. A panel whose series only exist after some
 * activity a short replay does not have (training, Redis, a chat API's 429s) says so in its description,
 * starting "Shown once". */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface PanelSpec {
  title: string;
  expr: string;
  type?: 'timeseries' | 'stat' | 'state-timeline' | 'table';
  unit?: string;
  legend?: string;
  /** "Shown once …": why the panel may be empty on a fresh install. */
  description?: string;
}

interface DashboardSpec {
  uid: string;
  title: string;
  panels: PanelSpec[];
}

const DS = { type: 'prometheus', uid: 'prometheus' };

/** Panels shown on the overview and again on their own dashboard. */
const EQUITY: PanelSpec = { title: 'Equity', expr: 'tiller_portfolio_equity', unit: 'currencyUSD' };
const OPEN_POSITIONS: PanelSpec = { title: 'Open positions', expr: 'tiller_open_positions', type: 'stat' };
const TRADING_STATE: PanelSpec = { title: 'Trading state', expr: 'tiller_trading_state == 1', type: 'state-timeline', legend: '{{state}}' };
const JOB_RUNS: PanelSpec = { title: 'Job runs per hour', expr: 'sum by (job, outcome) (increase(tiller_job_runs_total[1h]))', legend: '{{job}} {{outcome}}' };
const JOB_DURATION: PanelSpec = { title: 'Job duration p95', expr: 'histogram_quantile(0.95, sum by (job, le) (rate(tiller_job_duration_seconds_bucket[1h])))', unit: 's', legend: '{{job}}' };
const COMMANDS: PanelSpec = { title: 'Commands per minute', expr: 'sum by (command, outcome) (rate(tiller_commands_total[5m])) * 60', legend: '{{command}} {{outcome}}' };
const SHADOW_RETURN: PanelSpec = { title: 'Shadow portfolios: total return', expr: 'tiller_shadow_return_ratio', unit: 'percentunit', legend: '{{strategy}} {{profile}}' };
const SHADOW_DRAWDOWN: PanelSpec = { title: 'Shadow portfolios: max drawdown', expr: 'tiller_shadow_max_drawdown_ratio', unit: 'percentunit', legend: '{{strategy}} {{profile}}' };

export const DASHBOARDS: DashboardSpec[] = [
  {
    uid: 'tiller-overview', title: 'Tiller overview', panels: [
      EQUITY,
      { title: 'Cash', expr: 'tiller_portfolio_cash', unit: 'currencyUSD' },
      OPEN_POSITIONS,
      TRADING_STATE,
      JOB_RUNS,
      JOB_DURATION,
      { title: 'Orders per hour', expr: 'sum by (side, reason, result) (increase(tiller_orders_total[1h]))', legend: '{{side}} {{reason}} {{result}}' },
      { title: 'Circuit breaker trips', expr: 'sum by (breaker) (increase(tiller_breaker_trips_total[1d]))', legend: '{{breaker}}' },
      COMMANDS,
      { title: 'Command latency p99', expr: 'histogram_quantile(0.99, sum by (le) (rate(tiller_command_duration_seconds_bucket[5m])))', unit: 's' },
      { title: 'Alerts delivered per hour', expr: 'sum by (transport, result) (increase(tiller_alerts_delivered_total[1h]))', legend: '{{transport}} {{result}}' },
      { title: 'Last successful job run', expr: 'time() - tiller_job_last_success_timestamp_seconds', type: 'stat', unit: 's', legend: '{{job}}' },
      SHADOW_RETURN,
      SHADOW_DRAWDOWN,
    ],
  },
  {
    uid: 'tiller-trading', title: 'Tiller trading and P&L', panels: [
      EQUITY,
      { title: 'Cash and exposure', expr: 'label_replace(tiller_portfolio_cash, "what", "cash", "", "") or label_replace(tiller_portfolio_exposure, "what", "exposure", "", "")', unit: 'currencyUSD', legend: '{{what}}' },
      { title: 'Unrealised P&L', expr: 'tiller_portfolio_unrealized_pnl', unit: 'currencyUSD' },
      OPEN_POSITIONS,
      { title: 'Fills per day', expr: 'sum by (side) (increase(tiller_fills_total[1d]))', legend: '{{side}}' },
      { title: 'Positions closed per day, by reason', expr: 'sum by (reason) (increase(tiller_position_exits_total[1d]))', legend: '{{reason}}' },
      { title: 'Orders per hour, by result', expr: 'sum by (result) (increase(tiller_orders_total[1h]))', legend: '{{result}}' },
      { title: 'Picks of the latest run', expr: 'tiller_picks', type: 'stat', legend: '{{profile}}' },
    ],
  },
  {
    uid: 'tiller-risk', title: 'Tiller risk and breakers', panels: [
      TRADING_STATE,
      { title: 'Drawdown from peak', expr: 'tiller_portfolio_drawdown_ratio', unit: 'percentunit' },
      { title: 'Breaker stage (0 clear, 1 soft, 2 hard)', expr: 'tiller_breaker_stage', legend: '{{breaker}}' },
      { title: 'Breaker trips per day', expr: 'sum by (breaker, stage) (increase(tiller_breaker_trips_total[1d]))', legend: '{{breaker}} {{stage}}' },
      { title: 'Broker calls per minute, by outcome', expr: 'sum by (operation, outcome) (rate(tiller_broker_requests_total[5m])) * 60', legend: '{{operation}} {{outcome}}' },
      { title: 'Broker call latency p95', expr: 'histogram_quantile(0.95, sum by (operation, le) (rate(tiller_broker_request_duration_seconds_bucket[15m])))', unit: 's', legend: '{{operation}}' },
    ],
  },
  {
    uid: 'tiller-models', title: 'Tiller models', panels: [
      SHADOW_RETURN,
      { title: 'Shadow portfolios: Sharpe', expr: 'tiller_shadow_sharpe', legend: '{{strategy}} {{profile}}' },
      SHADOW_DRAWDOWN,
      { title: 'Shadow portfolios: days live', expr: 'tiller_shadow_days_live', type: 'stat', legend: '{{strategy}} {{profile}}' },
      { title: 'Time since the last training run', expr: 'time() - tiller_job_last_success_timestamp_seconds{job="train"}', type: 'stat', unit: 's', description: 'Shown once a training run has succeeded.' },
      { title: 'Training progress', expr: 'tiller_training_progress_ratio', unit: 'percentunit', legend: '{{model}}', description: 'Shown once training runs in this process.' },
      { title: 'Training fold and epoch', expr: 'label_replace(tiller_training_fold, "what", "fold", "", "") or label_replace(tiller_training_epoch, "what", "epoch", "", "")', legend: '{{model}} {{what}}', description: 'Shown once training runs in this process.' },
      { title: 'Training time left', expr: 'tiller_training_eta_seconds', unit: 's', legend: '{{model}}', description: 'Shown once training runs in this process.' },
    ],
  },
  {
    uid: 'tiller-pipeline', title: 'Tiller pipeline and jobs', panels: [
      JOB_RUNS,
      JOB_DURATION,
      { title: 'Time since each job last succeeded', expr: 'time() - tiller_job_last_success_timestamp_seconds', type: 'stat', unit: 's', legend: '{{job}}' },
      { title: 'Pipeline step duration p95', expr: 'histogram_quantile(0.95, sum by (step, le) (rate(tiller_pipeline_step_duration_seconds_bucket[1d])))', unit: 's', legend: '{{step}}' },
      { title: 'Rows stored per day, by step', expr: 'sum by (step) (increase(tiller_pipeline_rows_total[1d]))', legend: '{{step}}' },
      { title: 'Rows quarantined per day', expr: 'sum(increase(tiller_pipeline_quarantined_rows_total[1d]))' },
      { title: 'Pipeline step failures per day', expr: 'sum by (step) (increase(tiller_pipeline_step_failures_total[1d]))', legend: '{{step}}', description: 'Shown once a pipeline step has failed.' },
      { title: 'Database up', expr: 'tiller_database_up', type: 'stat', legend: '{{instance}}' },
    ],
  },
  {
    uid: 'tiller-chat', title: 'Tiller chat and alerts', panels: [
      COMMANDS,
      { title: 'Command latency p95', expr: 'histogram_quantile(0.95, sum by (le) (rate(tiller_command_duration_seconds_bucket[5m])))', unit: 's' },
      { title: 'Alerts raised per hour, by type', expr: 'sum by (type) (increase(tiller_alerts_raised_total[1h]))', legend: '{{type}}' },
      { title: 'Alert deliveries per hour', expr: 'sum by (transport, result) (increase(tiller_alerts_delivered_total[1h]))', legend: '{{transport}} {{result}}' },
      { title: 'Alert backlog', expr: 'tiller_alert_outbox_pending' },
      { title: 'Chat API 429s per hour', expr: 'sum by (transport) (increase(tiller_chat_rate_limited_total[1h]))', legend: '{{transport}}' },
      { title: 'HTTP requests per minute', expr: 'sum by (route, status) (rate(tiller_api_requests_total[5m])) * 60', legend: '{{route}} {{status}}' },
      { title: 'HTTP latency p95', expr: 'histogram_quantile(0.95, sum by (route, le) (rate(tiller_api_request_duration_seconds_bucket[5m])))', unit: 's', legend: '{{route}}' },
      { title: 'Redis up', expr: 'tiller_redis_up', type: 'stat', legend: '{{instance}}', description: 'Shown once Tiller runs with REDIS_URL.' },
      { title: 'Processes', expr: 'tiller_build_info', type: 'table', legend: '{{role}} {{version}}' },
    ],
  },
];

/** One dashboard as Grafana's JSON model. */
export function dashboardJson(d: DashboardSpec): Record<string, unknown> {
  return {
    uid: d.uid, title: d.title, schemaVersion: 39, version: 1, editable: true, time: { from: 'now-24h', to: 'now' }, refresh: '30s', tags: ['tiller'],
    panels: d.panels.map((p, i) => ({
      id: i + 1, type: p.type ?? 'timeseries', title: p.title, ...(p.description ? { description: p.description } : {}),
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 }, datasource: DS,
      fieldConfig: { defaults: p.unit ? { unit: p.unit } : {}, overrides: [] },
      targets: [{ refId: 'A', expr: p.expr, ...(p.legend ? { legendFormat: p.legend } : {}), datasource: DS }],
    })),
  };
}

export const DASHBOARD_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dashboards');

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  for (const d of DASHBOARDS) writeFileSync(path.join(DASHBOARD_DIR, `${d.uid}.json`), `${JSON.stringify(dashboardJson(d), null, 2)}\n`);
  console.log(`wrote ${DASHBOARDS.length} dashboards to ${DASHBOARD_DIR}`);
}
