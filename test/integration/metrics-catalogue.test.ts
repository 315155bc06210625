/** The metrics a process serves: at least 40 `tiller_*` metrics of its own across trading, risk, models and
 * picks, pipeline and jobs, chat and alerts, the API and the process, each moved by the real code path (a
 * replayed week of real bars with paper trading, real HTTP requests), and labels that stay bounded whatever a
 * stranger sends. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay, startProcess, type App, type RunningProcess } from '../../src/main.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { openTestApp, type TestApp } from '../helpers/app.js';

/** `name{labels} value` lines of a scrape, as a map from the series to its value. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}
/** The metrics a scrape declares (its `# TYPE` lines), used or not yet. */
const declared = (text: string) => text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]!);

describe('metrics catalogue', () => {
  let t: TestApp;
  let app: App;
  let proc: RunningProcess;
  let base: string;

  beforeAll(async () => {
    t = await openTestApp({ env: { PORT: '0', HOST: '127.0.0.1', TILLER_VAR_DIR: path.join('/tmp', `tiller-mc-${process.pid}`) }, clock: new ManualClock(new Date('2017-01-03T00:00:00Z')) });
    app = t.app;
    proc = await startProcess(app, 'start');
    base = `http://127.0.0.1:${proc.port}`;
  }, 60_000);
  afterAll(async () => {
    await proc?.stop();
    await t?.close();
  });

  const scrape = async () => parse(await (await fetch(`${base}/metrics`)).text());

  it('serves at least 40 metrics of its own, and a replayed week with paper trading moves the trading, pipeline and picks ones', async () => {
    const before = await scrape();
    await runReplay(app, '2017-01-03', '2017-01-10', () => undefined);
    const text = await (await fetch(`${base}/metrics`)).text();
    const after = parse(text);
    const own = declared(text).filter((n) => n.startsWith('tiller_') && !n.startsWith('tiller_process_'));
    expect(own.length, own.sort().join(' ')).toBeGreaterThanOrEqual(40);
    // Counters of known label sets start at 0, so a first failure is an increase an alert rule can see.
    expect(after.get('tiller_broker_requests_total{operation="cancel",outcome="temporary"}')).toBe(0);

    const grew = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);
    expect(grew('tiller_fills_total{side="buy"}')).toBeGreaterThan(0);
    expect(grew('tiller_broker_requests_total{operation="submit",outcome="ok"}')).toBe(grew('tiller_fills_total{side="buy"}') + grew('tiller_fills_total{side="sell"}'));
    expect(after.get('tiller_broker_request_duration_seconds_count{operation="submit"}')).toBeGreaterThan(0);
    expect(after.get('tiller_portfolio_exposure')).toBeGreaterThan(0);
    // The drawdown gauge is the last stored snapshot's; the week had a fall from its peak to show.
    const snapshots = await app.repos.trading.snapshots('2017-01-03', '2017-01-10');
    expect(snapshots.some((s) => s.drawdown > 0)).toBe(true);
    expect(after.get('tiller_portfolio_drawdown_ratio')).toBe(snapshots.at(-1)!.drawdown);
    // Positions are open at the end of the week, valued at its last close.
    expect(after.get('tiller_open_positions')).toBeGreaterThan(0);
    expect(after.get('tiller_portfolio_unrealized_pnl')).not.toBe(0);
    expect(after.get('tiller_pipeline_last_success_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 600);
    expect(grew('tiller_pipeline_quarantined_rows_total')).toBeGreaterThan(0); // the recorded files' dirt
    expect((after.get('tiller_picks{profile="conservative"}') ?? 0) + (after.get('tiller_picks{profile="aggressive"}') ?? 0)).toBeGreaterThan(0);
    expect(grew('tiller_alerts_raised_total{type="trade_opened"}')).toBeGreaterThan(0);
    expect(after.get('tiller_alert_outbox_pending')).toBe(await app.repos.outbox.countPending());
    expect(after.get('tiller_database_up')).toBe(1);
    expect(after.has('tiller_redis_up')).toBe(false); // no Redis configured: nothing to report
    expect(after.get('tiller_build_info{version="0.1.0",role="start"}')).toBe(1);
  }, 180_000);

  it('labels HTTP requests by route pattern: invented paths add no series', async () => {
    for (let i = 0; i < 40; i++) expect((await fetch(`${base}/zz${i}-${Math.random().toString(36).slice(2)}`)).status).toBe(404);
    await fetch(`${base}/health`);
    const s = await scrape();
    expect(s.get('tiller_api_requests_total{route="unmatched",status="404"}')).toBeGreaterThanOrEqual(40);
    expect(s.get('tiller_api_requests_total{route="/health",status="200"}')).toBeGreaterThanOrEqual(1);
    const routes = new Set([...s.keys()].filter((k) => k.startsWith('tiller_api_requests_total{')).map((k) => /route="([^"]*)"/.exec(k)![1]));
    expect([...routes].sort()).toEqual(['/health', '/metrics', 'unmatched']);
  });
});
