/** The `tiller` executable: its help, its errors, `config`, `run`, and its embedded PostgreSQL shared with a
 * second command, refused to another install, and recovered after a hard kill. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/database.js';
import { childEnv, eventually, freePort, ROOT, SP500_DIR } from '../helpers/tiller-process.js';

const BIN = path.join(ROOT, 'bin/tiller.js');

describe('tiller CLI', () => {
  const varDir = mkdtempSync(path.join(tmpdir(), 'tiller-cli-'));
  afterAll(() => rmSync(varDir, { recursive: true, force: true }));

  it('lists its subcommands', () => {
    const r = spawnSync(process.execPath, [BIN, '--help'], { cwd: tmpdir(), encoding: 'utf8', env: childEnv({}) });
    expect(r.status).toBe(0);
    for (const cmd of ['start', 'worker', 'bot', 'run [options] <job>', 'replay [options]', 'migrate']) expect(r.stdout).toContain(cmd);
  });

  it('`config` prints the configuration in effect with every secret, key and id masked', () => {
    const r = spawnSync(process.execPath, [BIN, 'config'], { cwd: tmpdir(), encoding: 'utf8', env: childEnv({ TILLER_MARKET: 'nse', TELEGRAM_BOT_TOKEN: '9:tgsecret', TELEGRAM_ADMINS: '424242', ALPACA_SECRET_KEY: 'alpsecret' }) });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('timezone: Asia/Kolkata');
    expect(r.stdout).toMatch(/admins:\n\s+- "\*\*\*"/);
    for (const v of ['tgsecret', '424242', 'alpsecret']) expect(r.stdout).not.toContain(v);
  });

  it('says what is wrong with bad input, naming the key or the argument', () => {
    const job = spawnSync(process.execPath, [BIN, 'run', 'nosuchjob'], { encoding: 'utf8', env: childEnv({ MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR }) });
    expect(job.status).toBe(2);
    expect(job.stderr).toContain('unknown job "nosuchjob"; jobs: symbols, pipeline, picks, trade, monitor, snapshot, report, weekly, train, cleanup');
    const port = spawnSync(process.execPath, [BIN, 'migrate'], { encoding: 'utf8', env: childEnv({ PORT: 'http' }) });
    expect(port.status).toBe(2);
    expect(port.stderr).toMatch(/invalid environment: PORT: /);
    const date = spawnSync(process.execPath, [BIN, 'replay', '--from', '2017-13-01', '--to', '2017-02-01'], { encoding: 'utf8', env: childEnv({}) });
    expect(date.status).not.toBe(0);
    expect(date.stderr).toContain('expected a date like 2017-01-03');
  });

  it('after a hard kill, the next start reuses the orphaned embedded PostgreSQL and stops it on shutdown', async () => {
    const port = await freePort();
    const env = childEnv({ MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, PORT: String(port), TILLER_VAR_DIR: varDir, EMBEDDED_PG_PORT: String(await freePort()), CONSOLE_CHAT: 'off' });
    const pidFile = path.join(varDir, 'pg', 'postmaster.pid');
    const health = () => eventually(async () => ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200 ? true : undefined), 60_000, '/health');

    const first = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], { cwd: ROOT, env, stdio: 'ignore' });
    await health();
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    expect(existsSync(pidFile)).toBe(true); // the server outlived its parent

    const second = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], { cwd: ROOT, env, stdio: 'ignore' });
    await health();
    second.kill('SIGTERM');
    expect(await new Promise((r) => second.once('exit', r))).toBe(0);
    expect(existsSync(pidFile)).toBe(false);
  }, 120_000);

  it('`tiller run picks` beside a running app shares its embedded PostgreSQL and leaves it healthy, another install\'s is refused; the last one out stops it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tiller-shared-pg-'));
    try {
      // 20 recorded symbols, so the app's first run on them is quick.
      const data = path.join(dir, 'data');
      mkdirSync(data);
      for (const s of ['AAPL', 'MSFT', 'JPM', 'JNJ', 'XOM', 'PG', 'V', 'HD', 'UNH', 'PFE', 'KO', 'PEP', 'MRK', 'CSCO', 'INTC', 'WMT', 'CVX', 'BA', 'MCD', 'MMM']) {
        symlinkSync(path.join(SP500_DIR, 'daily', `${s}.csv`), path.join(data, `${s}.csv`));
      }
      symlinkSync(path.join(SP500_DIR, 'constituents.csv'), path.join(data, 'constituents.csv'));
      const port = await freePort();
      const pgPort = await freePort();
      const env = childEnv({ MARKET_DATA: 'csv', MARKET_DATA_DIR: data, PORT: String(port), TILLER_VAR_DIR: dir, EMBEDDED_PG_PORT: String(pgPort), CONSOLE_CHAT: 'off', LOG_LEVEL: 'info' });
      const pidFile = path.join(dir, 'pg', 'postmaster.pid');
      const healthy = async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status === 200;
      const app = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], { cwd: ROOT, env, stdio: 'ignore' });
      await eventually(async () => ((await healthy()) ? true : undefined), 60_000, '/health');
      // The app's first run on the recorded data has stored it and made its picks.
      const db = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${pgPort}/tiller` });
      await db.connect();
      await eventually(async () => (Number((await db.query('select count(*) n from picks')).rows[0].n) > 0 ? true : undefined), 90_000, 'the first run\'s picks').finally(() => db.end());
      // A one-shot command in a second terminal reuses the server, and on its way out leaves it to the app.
      const second = spawnSync(process.execPath, [BIN, 'run', 'picks'], { cwd: ROOT, encoding: 'utf8', env });
      expect(second.status, second.stderr).toBe(0);
      expect(JSON.parse(second.stdout)).toMatchObject({ signalDay: '2018-02-07', conservative: expect.any(Number) });
      expect(second.stderr).toContain('embedded PostgreSQL left running: still used by pid');
      expect(existsSync(pidFile)).toBe(true);
      expect(await healthy()).toBe(true);
      // Another install (its own var/) on the same port never uses this server, and leaves it running.
      const otherVar = mkdtempSync(path.join(tmpdir(), 'tiller-other-var-'));
      const other = spawnSync(process.execPath, [BIN, 'migrate'], { cwd: ROOT, encoding: 'utf8', env: { ...env, TILLER_VAR_DIR: otherVar } });
      rmSync(otherVar, { recursive: true, force: true });
      expect(other.status).toBe(2); // a configuration error
      expect(other.stderr).toMatch(/EMBEDDED_PG_PORT: port \d+ is taken by another PostgreSQL \(data in .*tiller-shared-pg-.*\/pg\)/);
      expect(other.stderr).not.toMatch(/\n\s+at /); // one line, no stack
      expect(existsSync(pidFile)).toBe(true);
      expect(await healthy()).toBe(true);
      // The app is the last one out: it stops the server.
      app.kill('SIGTERM');
      expect(await new Promise((r) => app.once('exit', r))).toBe(0);
      expect(existsSync(pidFile)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('`run <job>` runs one job now for the given day and prints its result; a failing job exits non-zero', async () => {
    const db = await createTestDatabase();
    try {
      const env = childEnv({ DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, CONSOLE_CHAT: 'off' });
      const early = spawnSync(process.execPath, [BIN, 'run', 'picks', '--day', '2017-01-04'], { encoding: 'utf8', env });
      expect(early.status).toBe(1);
      expect(early.stderr).toContain('no indicators before 2017-01-04: run the pipeline first');
      const pipeline = spawnSync(process.execPath, [BIN, 'run', 'pipeline', '--day', '2017-01-04'], { encoding: 'utf8', env });
      expect(pipeline.status, pipeline.stderr).toBe(0);
      expect(JSON.parse(pipeline.stdout)).toMatchObject({ asOf: '2017-01-03', symbols: 505, coverage: expect.any(Number) });
      const picks = spawnSync(process.execPath, [BIN, 'run', 'picks', '--day', '2017-01-04'], { encoding: 'utf8', env });
      expect(picks.status, picks.stderr).toBe(0);
      expect(JSON.parse(picks.stdout)).toEqual({ signalDay: '2017-01-03', strategy: 'baseline-momentum-12-1', conservative: 5, aggressive: 5, others: ['momentum-trend', 'ma-crossover', 'mean-reversion', 'breakout'], failed: [], exported: expect.stringMatching(/\/exports\/picks\/2017-01-04\.csv$/),
        // 499 of the 505 symbols have a bar on 2017-01-03 (six were listed later); none fails the default screens.
        screened: { symbols: 499, tradeability: 0, fundamentals: 0 }, rationale: { by: null, written: 0, fallback: [] },
      });
    } finally {
      await db.drop();
    }
  }, 120_000);
});
