/** Monitoring checked with the real tools: promtool unit-tests the alert rules; a real Prometheus (Debian
 * package) scrapes a real `tiller bot` and a real `tiller worker`, separate processes, after `tiller replay
 * --workers` (a third) has run four days through the worker; every Grafana panel query and every alert rule
 * returns data, each metric from the process that does the work. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DASHBOARD_DIR, DASHBOARDS, dashboardJson } from '../../monitoring/grafana/build-dashboards.js';
import pg from 'pg';
import { JOB_NAMES } from '../../jobs/daily-jobs.js';
import { loadConfig } from '../../src/config.js';
import { FakeTelegram } from '../fakes/telegram-bot-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { eventually, freePort, ROOT, runTillerToEnd, SP500_DIR, startTiller, type TillerProcess } from '../helpers/tiller-process.js';

const PROM_DIR = path.join(ROOT, 'monitoring/prometheus');
const NEED = 'promtool/prometheus not found: install the Debian package `prometheus` (.ci/run does)';

describe('monitoring', () => {
  it('alert rules are valid and pass their promtool unit tests', () => {
    const check = spawnSync('promtool', ['check', 'rules', 'alerts.yml'], { cwd: PROM_DIR, encoding: 'utf8' });
    expect(check.error, NEED).toBeUndefined();
    expect(check.stdout + check.stderr).toContain('SUCCESS: 14 rules found');
    const test = spawnSync('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: PROM_DIR, encoding: 'utf8' });
    expect(test.status, test.stdout + test.stderr).toBe(0);
    // Every rule has a unit test in which it fires.
    const rules = (parseYaml(readFileSync(path.join(PROM_DIR, 'alerts.yml'), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string }> }> })
      .groups.flatMap((g) => g.rules.map((r) => r.alert));
    const tests = (parseYaml(readFileSync(path.join(PROM_DIR, 'alerts.test.yml'), 'utf8')) as { tests: Array<{ alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }> }> })
      .tests.flatMap((t) => t.alert_rule_test);
    expect(rules).toHaveLength(14);
    for (const rule of rules) expect(tests.some((t) => t.alertname === rule && t.exp_alerts.length > 0), `${rule} fires in a test`).toBe(true);
  });

  describe('a real Prometheus scraping the app and a worker, separate processes, after a replay through the worker', () => {
    let db: TestDatabase;
    let tg: FakeTelegram;
    let app: TillerProcess;
    let worker: TillerProcess;
    let prom: ChildProcess;
    let promPort: number;
    let appPort: number;
    let workerPort: number;
    let replayed: { code: number | null; stdout: string; stderr: string };
    const dir = mkdtempSync(path.join(tmpdir(), 'tiller-prom-'));

    beforeAll(async () => {
      db = await createTestDatabase();
      tg = new FakeTelegram('5:mon');
      const apiRoot = await tg.start();
      [appPort, workerPort, promPort] = [await freePort(), await freePort(), await freePort()];
      // The default schedule's times and days, in a month six away from now: the worker's own schedule never
      // fires during the test, and the replay runs each job at its usual time of day.
      const month = ((new Date().getUTCMonth() + 6) % 12) + 1;
      const schedule = loadConfig({ env: {}, dotenvDir: null }).schedule;
      const inMonth = (cron: string) => cron.split(' ').map((f, i) => (i === 3 ? String(month) : f)).join(' ');
      writeFileSync(path.join(dir, 'tiller.yaml'), [
        'marketData:', '  universe: [AAPL, MSFT, JPM, JNJ, XOM, PG, V, HD, UNH, PFE, KO, PEP, MRK, CSCO, INTC, WMT, CVX, BA, MCD, MMM]', '  historyDays: 1500',
        // One quick model family with few folds, trained on the Friday of the replay, so the model panels and
        // rule have data.
        'models:', '  families: [trees-gbt]', '  samples: 2000', '  trainDays: 500', '  testDays: 120',
        'jobs:', '  pollMs: 200',
        'schedule:', ...JOB_NAMES.map((j) => `  ${j}: "${inMonth(j === 'train' ? '0 6 * * 5' : schedule[j])}"`), '',
      ].join('\n'));
      const env = {
        DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, CONSOLE_CHAT: 'off', TILLER_VAR_DIR: dir, TILLER_CONFIG: path.join(dir, 'tiller.yaml'),
        TELEGRAM_BOT_TOKEN: '5:mon', TELEGRAM_API_ROOT: apiRoot, TELEGRAM_VIEWERS: '3', TELEGRAM_ALERT_CHATS: '-9', HOST: '127.0.0.1', LOG_LEVEL: 'info',
      };
      app = startTiller(['bot'], { ...env, PORT: String(appPort) });
      worker = startTiller(['worker'], { ...env, PORT: '0', WORKER_PORT: String(workerPort) });
      for (const [name, p] of [['app', app], ['worker', worker]] as const) {
        await eventually(() => (p.stderr().includes('tiller started') ? true : undefined), 90_000, `the ${name} to start`)
          .catch((err: Error) => { throw new Error(`${err.message}\n${p.stderr()}`); });
      }
      writeFileSync(path.join(dir, 'prometheus.yml'), [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: ['${path.join(PROM_DIR, 'alerts.yml')}']`,
        'scrape_configs:',
        `  - { job_name: tiller, honor_labels: true, static_configs: [{ targets: ['127.0.0.1:${appPort}'] }] }`,
        `  - { job_name: tiller-worker, honor_labels: true, static_configs: [{ targets: ['127.0.0.1:${workerPort}'] }] }`, '',
      ].join('\n'));
      prom = spawn('prometheus', [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: 'ignore' });
      prom.on('error', () => undefined);
      // A third process queues each job of each day and waits for the worker to run it.
      replayed = await runTillerToEnd(['replay', '--workers', '--from', '2017-01-03', '--to', '2017-01-06'], env);
      await tg.ask({ id: 3 }, 3, '/status', 30_000);
    }, 600_000);

    afterAll(async () => {
      // Only a Prometheus that really started: a ChildProcess whose spawn failed can end up signalling pid 0,
      // the whole process group (the test runner and its shell), where prometheus is not installed.
      if (prom?.pid && prom.exitCode === null) prom.kill('SIGTERM');
      await app?.kill();
      await worker?.kill();
      await tg?.stop();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    const query = async (expr: string) => {
      const r = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await r.json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
      return body.data.result;
    };

    it('the replay ran every job in the worker, none in the app', async () => {
      expect(replayed.code, replayed.stdout + replayed.stderr).toBe(0);
      expect(replayed.stderr).toContain('replay 2017-01-06 (4/4)');
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        const runs = await c.query<{ job: string; n: string; workers: string[] }>(
          `select job, count(*) n, array_agg(distinct worker) workers from job_runs where trigger like 'replay:%' and outcome = 'success' group by job order by job`);
        expect(runs.rows.map((r) => [r.job, Number(r.n)])).toEqual([
          ['monitor', 4], ['picks', 4], ['pipeline', 4], ['report', 4], ['snapshot', 4], ['trade', 4], ['train', 1], ['weekly', 4],
        ]);
        const workerPid = String(worker.child.pid);
        expect([...new Set(runs.rows.flatMap((r) => r.workers))].map((w) => w.split(':').at(-1))).toEqual([workerPid]);
        // The worker ran each day's trade at its scheduled time that day (a pinned clock), not at today's.
        const fills = await c.query<{ day: string }>(`select distinct to_char(at at time zone 'America/New_York', 'YYYY-MM-DD HH24:MI') as day from fills order by 1`);
        expect(fills.rows.length).toBeGreaterThan(0);
        for (const f of fills.rows) expect(f.day).toMatch(/^2017-01-0[3-6] (09:30|16:05)$/);
      } finally {
        await c.end();
      }
    });

    it('every panel query and every alert rule returns data, each metric from the process that does the work', async () => {
      expect(prom.pid, NEED).toBeDefined();
      // Wait for three scrapes of each process since the last activity (the /status), so rate() and increase()
      // have samples to work with.
      await eventually(async () => ((await query('count_over_time(up[1m]) >= 3')).length === 2 ? true : undefined), 30_000, 'three scrapes of both');
      await eventually(async () => ((await query('count_over_time(tiller_commands_total{command="status",outcome="ok"}[1m]) >= 3')).length > 0 ? true : undefined), 30_000, 'three scrapes since /status');
      expect((await query('up == 1')).map((r) => r.metric.job).sort()).toEqual(['tiller', 'tiller-worker']);
      expect((await query('tiller_build_info')).map((r) => [r.metric.role, r.metric.instance]).sort())
        .toEqual([['bot', `127.0.0.1:${appPort}`], ['worker', `127.0.0.1:${workerPort}`]]);
      // Six provisioned dashboards, committed as `npm run dashboards` writes them. Every query runs; each returns
      // data unless its panel says it is shown once some activity this replay does not have happens.
      expect(readdirSync(DASHBOARD_DIR).filter((f) => f.endsWith('.json')).sort()).toEqual(DASHBOARDS.map((d) => `${d.uid}.json`).sort());
      expect(DASHBOARDS).toHaveLength(6);
      let checked = 0;
      for (const spec of DASHBOARDS) {
        const dashboard = JSON.parse(readFileSync(path.join(DASHBOARD_DIR, `${spec.uid}.json`), 'utf8')) as { panels: Array<{ title: string; description?: string; targets: Array<{ expr: string }> }> };
        expect(dashboard, `${spec.uid}.json is stale: run npm run dashboards`).toEqual(dashboardJson(spec));
        for (const panel of dashboard.panels) {
          for (const t of panel.targets) {
            const result = await query(t.expr);
            if (!panel.description?.startsWith('Shown once')) expect(result.length, `${spec.title} / ${panel.title}: ${t.expr}`).toBeGreaterThan(0);
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThanOrEqual(50);
      // Prometheus evaluates every rule without error, and each rule's expression, its threshold taken off,
      // has series: the rule watches real data, not a name nothing exports.
      const rules = await eventually(async () => {
        const r = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/rules`)).json()) as { data: { groups: Array<{ rules: Array<{ name: string; query: string; health: string; lastError?: string }> }> } };
        const all = r.data.groups.flatMap((g) => g.rules);
        return all.length === 14 && all.every((x) => x.health === 'ok') ? all : undefined;
      }, 30_000, 'every rule evaluated');
      for (const rule of rules) {
        const measured = rule.query.replace(/\s*(==|!=|>=|<=|>|<)\s*[\d.\s*]+$/, '');
        expect(measured, rule.name).not.toBe(rule.query);
        expect((await query(measured)).length, `${rule.name}: ${measured}`).toBeGreaterThan(0);
      }
      // The work's metrics come from the worker, the chat's from the app.
      const jobsBy = await query('sum by (instance) (tiller_job_runs_total{outcome="success"}) > 0');
      expect(jobsBy.map((r) => r.metric.instance)).toEqual([`127.0.0.1:${workerPort}`]);
      const byJob = await query('sum by (job) (tiller_job_runs_total{outcome="success"}) > 0');
      expect(byJob.map((r) => r.metric.job).sort()).toEqual(['monitor', 'picks', 'pipeline', 'report', 'snapshot', 'trade', 'train', 'weekly']);
      const orders = await query('sum by (instance) (tiller_orders_total) > 0');
      expect(orders.map((r) => r.metric.instance)).toEqual([`127.0.0.1:${workerPort}`]);
      const commands = await query('sum by (instance) (tiller_commands_total{command="status"}) > 0');
      expect(commands.map((r) => r.metric.instance)).toEqual([`127.0.0.1:${appPort}`]);
      const equity = await query('max(tiller_portfolio_equity)');
      expect(Number(equity[0]!.value[1])).toBeGreaterThan(90_000);
      const lastPipeline = await query('max(tiller_job_last_success_timestamp_seconds{job="pipeline"})');
      expect(Number(lastPipeline[0]!.value[1])).toBeGreaterThan(Date.now() / 1000 - 3600);
      // The shadow portfolio panels show the stored leaderboard, one series per (strategy, profile), from either process.
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const shadows = await c.query<{ strategy: string; profile: string }>('select strategy, profile from shadow_portfolios').finally(() => c.end());
      expect(shadows.rows.length).toBeGreaterThanOrEqual(4);
      const returns = await query('tiller_shadow_return_ratio{job="tiller"}');
      expect(returns.map((r) => `${r.metric.strategy}/${r.metric.profile}`).sort()).toEqual(shadows.rows.map((x) => `${x.strategy}/${x.profile}`).sort());
    }, 120_000);
  });
});
