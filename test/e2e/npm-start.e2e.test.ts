/** `npm start` on embedded defaults: embedded PostgreSQL under a fresh var dir, in-process cache and bus,
 * paper broker, console chat on stdin/stdout, CSV market data. /health and a console /status answer. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { childEnv, eventually, freePort, ROOT, SP500_DIR } from '../helpers/tiller-process.js';

describe('npm start on embedded defaults', () => {
  const varDir = mkdtempSync(path.join(tmpdir(), 'tiller-var-'));
  let child: ReturnType<typeof spawn> | null = null;

  afterAll(() => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
    rmSync(varDir, { recursive: true, force: true });
  });

  it('answers /health and a console /status, then shuts down cleanly on Ctrl-C', async () => {
    const port = await freePort();
    const pgPort = await freePort();
    child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: childEnv({ MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, PORT: String(port), TILLER_VAR_DIR: varDir, EMBEDDED_PG_PORT: String(pgPort) }),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // its own process group, like a terminal's foreground job
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));

    const health = await eventually(async () => {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      return r.status === 200 ? ((await r.json()) as { status: string; checks: Record<string, string> }) : undefined;
    }, 60_000, `/health (stderr: ${err})`);
    expect(health).toEqual({ status: 'ok', down: [], checks: { database: 'ok', cache: 'ok', market_data: 'ok', broker: 'ok' } });

    child.stdin!.write('/status\n');
    await eventually(() => (out.includes('Status: RUNNING') ? true : undefined), 15_000, `console /status (stdout: ${out})`);
    expect(out).toContain('Equity: 100,000.00 USD');
    // The first run on recorded data starts the pipeline at start-up: /status may come before it or during it.
    expect(out).toMatch(/Last pipeline: (never run|2018-02-07 (running|succeeded))\n/);

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/tiller_commands_total\{command="status",transport="console",outcome="ok"\} 1/);
    expect(metrics).toMatch(/tiller_trading_state\{state="RUNNING"\} 1/);

    // Ctrl-C: SIGINT to the whole foreground group (npm and node). Tiller stops its embedded PostgreSQL.
    const exited = new Promise((r) => child!.once('exit', r));
    process.kill(-child.pid!, 'SIGINT');
    await exited;
    await eventually(() => (existsSync(path.join(varDir, 'pg', 'postmaster.pid')) ? undefined : true), 20_000, 'embedded PostgreSQL to stop');
    const probe = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`, connectionTimeoutMillis: 2_000 });
    await expect(probe.connect()).rejects.toThrow();
  }, 120_000);
});
