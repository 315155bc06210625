/** A worker serves /health and /metrics on a port of its own (WORKER_PORT), so the metrics of the jobs it runs
 * are scraped where they happen: a job queued from chat (/run) is run by the worker and counted on its
 * /metrics. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcess, type App, type RunningProcess } from '../../src/main.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { eventually } from '../helpers/tiller-process.js';

describe('worker metrics', () => {
  let t: TestApp;
  let app: App;
  let worker: RunningProcess;
  beforeAll(async () => {
    t = await openTestApp({ env: { CONSOLE_CHAT: 'on', WORKER_PORT: '0', TILLER_VAR_DIR: path.join('/tmp', `tiller-wm-${process.pid}`) }, clock: new ManualClock(new Date('2017-03-04T12:00:00Z')) });
    app = t.app;
    worker = await startProcess(app, 'worker');
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
  });

  it('serves /health and /metrics, and counts the jobs it runs', async () => {
    expect(worker.port).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${worker.port}`;
    expect([200, 503]).toContain((await fetch(`${base}/health`)).status);
    const series = async () => (await (await fetch(`${base}/metrics`)).text()).split('\n');
    const line = 'tiller_job_runs_total{job="report",outcome="success"}';
    const before = Number((await series()).find((l) => l.startsWith(line))?.split(' ')[1] ?? 0);
    expect(await app.core.handle({ transport: 'console', userId: 'local', chatId: 'console' }, 'run', ['report'])).toMatchObject({ kind: 'job_started', job: 'report' });
    await eventually(async () => (Number((await series()).find((l) => l.startsWith(line))?.split(' ')[1] ?? 0) === before + 1 ? true : undefined), 30_000, 'the report job counted on the worker');
    // No API and no chat webhook on a worker's port.
    expect((await fetch(`${base}/api/status`)).status).toBe(404);
  });
});
