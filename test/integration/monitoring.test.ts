/** Monitoring checked with the real tools: promtool unit-tests the alert rules, and a real Prometheus
 * (Debian package) scrapes a real Tiller after a short replay; every Grafana panel query returns data. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DASHBOARD_DIR, DASHBOARDS, dashboardJson } from '../../monitoring/grafana/build-dashboards.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createApp, runReplay, startProcess, type App, type RunningProcess } from '../../src/main.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { FakeTelegram } from '../fakes/telegram-bot-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { eventually, freePort, ROOT, SP500_DIR } from '../helpers/tiller-process.js';

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

  describe('Grafana dashboard queries against a real Prometheus scraping Tiller', () => {
    let db: TestDatabase;
    let tg: FakeTelegram;
    let app: App;
    let proc: RunningProcess;
    let prom: ChildProcess;
    let promPort: number;
    const promDir = mkdtempSync(path.join(tmpdir(), 'tiller-prom-'));

    beforeAll(async () => {
      db = await createTestDatabase();
      tg = new FakeTelegram('5:mon');
      const apiRoot = await tg.start();
      const port = await freePort();
      const base = loadConfig({
        env: { DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, TELEGRAM_BOT_TOKEN: '5:mon', TELEGRAM_API_ROOT: apiRoot, TELEGRAM_VIEWERS: '3', TELEGRAM_ALERT_CHATS: '-9', PORT: String(port), HOST: '127.0.0.1' },
        dotenvDir: null,
      });
      const universe = ['AAPL', 'MSFT', 'JPM', 'JNJ', 'XOM', 'PG', 'V', 'HD', 'UNH', 'PFE', 'KO', 'PEP', 'MRK', 'CSCO', 'INTC', 'WMT', 'CVX', 'BA', 'MCD', 'MMM'];
      const config: AppConfig = { ...base, marketData: { ...base.marketData, universe } };
      app = await createApp(config, { clock: new ManualClock(new Date('2017-01-03T00:00:00Z')), log: createLogger('silent') });
      await runReplay(app, '2017-01-03', '2017-01-06');
      proc = await startProcess(app, 'bot');
      await app.core.handle({ transport: 'telegram', userId: '3', chatId: '3' }, 'status', []);

      promPort = await freePort();
      writeFileSync(path.join(promDir, 'prometheus.yml'),
        `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: tiller\n    honor_labels: true\n    static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n`);
      prom = spawn('prometheus', [`--config.file=${path.join(promDir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(promDir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: 'ignore' });
      prom.on('error', () => undefined);
    }, 180_000);

    afterAll(async () => {
      // Only a Prometheus that really started: a ChildProcess whose spawn failed can end up signalling pid 0,
      // the whole process group (the test runner and its shell), where prometheus is not installed.
      if (prom?.pid && prom.exitCode === null) prom.kill('SIGTERM');
      await proc?.stop();
      await app?.close();
      await tg?.stop();
      await db?.drop();
      rmSync(promDir, { recursive: true, force: true });
    });

    const query = async (expr: string) => {
      const r = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await r.json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
      return body.data.result;
    };

    it('every panel query returns data', async () => {
      expect(prom.pid, NEED).toBeDefined();
      // Wait for at least three scrapes so rate() and increase() have samples to work with.
      await eventually(async () => (Number((await query('count_over_time(up{job="tiller"}[1m])'))[0]?.value[1] ?? 0) >= 3 ? true : undefined), 30_000, 'three scrapes');
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
      const equity = await query('tiller_portfolio_equity');
      expect(Number(equity[0]!.value[1])).toBeGreaterThan(90_000);
      const orders = await query('sum(tiller_orders_total)');
      expect(Number(orders[0]!.value[1])).toBeGreaterThan(0);
      // The job metrics keep the job's name in `job` (honor_labels), as the panels and alert rules read it;
      // the last successes come from the job records, so any process shows the workers' runs.
      const byJob = await query('sum by (job) (tiller_job_runs_total{outcome="success"}) > 0');
      expect(byJob.map((r) => r.metric.job).sort()).toEqual(expect.arrayContaining(['monitor', 'pipeline', 'picks', 'report', 'trade']));
      const lastPipeline = await query('tiller_job_last_success_timestamp_seconds{job="pipeline"}');
      expect(Number(lastPipeline[0]!.value[1])).toBeGreaterThan(Date.now() / 1000 - 3600);
      // The shadow portfolio panels show the stored leaderboard, one series per (strategy, profile).
      const shadows = await app.repos.shadows.list();
      expect(shadows.length).toBeGreaterThanOrEqual(4);
      const returns = await query('tiller_shadow_return_ratio');
      expect(returns.map((r) => [r.metric.strategy, r.metric.profile, Number(r.value[1])]).sort())
        .toEqual(shadows.map((x) => [x.strategy, x.profile, x.totalReturn]).sort());
    }, 60_000);
  });
});
