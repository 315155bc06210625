/** Benchmarks, printed as figures (never asserted): replay speed over the S&P 500 data, command handling
 * inside the process and through Telegram (fake Bot API), and start-up time of `tiller start` on embedded
 * defaults. Needs the local PostgreSQL (TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test). */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { telegramHtml } from '../bots/shared/markup.js';
import { renderResult } from '../bots/shared/render-result.js';
import { loadConfig } from '../src/config.js';
import { pct } from './percentile.js';
import { createLogger } from '../src/logger.js';
import { createApp, runReplay, startProcess } from '../src/main.js';
import { ManualClock } from '../src/ports/clock.port.js';
import { copyBaseline } from './copy-baseline.js';
import { chatLoad } from './chat-load.js';
import { benchFeatures } from './features.js';
import { benchBacktest } from './backtest.js';
import { benchScale } from './scale.js';
import { benchTrain } from './train.js';
import { benchPicksAll } from './picks-all.js';
import { FakeTelegram } from '../test/fakes/telegram-bot-api.js';
import { createTestDatabase } from '../test/helpers/database.js';
import { childEnv, freePort, ROOT, SP500_DIR } from '../test/helpers/tiller-process.js';

const FROM = process.env.BENCH_FROM ?? '2017-01-03';
const TO = process.env.BENCH_TO ?? '2017-02-01';

const ms = (x: number) => `${x.toFixed(2)} ms`;

async function benchReplayAndCommands(): Promise<void> {
  const db = await createTestDatabase();
  const tg = new FakeTelegram('1:bench');
  const apiRoot = await tg.start();
  const port = await freePort();
  const config = loadConfig({
    env: { DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, TELEGRAM_BOT_TOKEN: '1:bench', TELEGRAM_API_ROOT: apiRoot, TELEGRAM_VIEWERS: '7', TELEGRAM_ALERT_CHATS: '-1', PORT: String(port), HOST: '127.0.0.1' },
    dotenvDir: null,
  });
  const clock = new ManualClock(new Date(`${FROM}T00:00:00Z`));
  const app = await createApp(config, { clock, log: createLogger('silent') });
  try {
    const perDay: number[] = [];
    let last = performance.now();
    const summary = await runReplay(app, FROM, TO, () => {
      const now = performance.now();
      perDay.push((now - last) / 1000);
      last = now;
    });
    const steady = perDay.slice(1);
    const steadySum = steady.reduce((a, b) => a + b, 0);
    console.log(`replay ${FROM}..${TO} on ${config.marketData.csvDir} (505 symbols)`);
    console.log(`  trading days:                ${summary.days.length}`);
    console.log(`  total:                       ${summary.seconds.toFixed(1)} s = ${(summary.days.length / summary.seconds).toFixed(2)} days/s`);
    console.log(`  first day (loads history):   ${perDay[0]!.toFixed(1)} s`);
    console.log(`  later days:                  ${(steady.length / steadySum).toFixed(2)} days/s (median ${pct(steady, 50).toFixed(2)} s/day)`);
    console.log(`  job failures:                ${summary.failures.length}`);
    const perJob = await app.db.pool.query<{ job: string; s: string }>(
      `select job, avg(extract(epoch from finished_at - started_at))::float8 as s from job_runs where day > $1 group by job order by 2 desc`, [summary.days[0]]);
    const perStep = await app.db.pool.query<{ step: string; s: string }>(
      `select s.step, avg(extract(epoch from s.finished_at - s.started_at))::float8 as s from pipeline_steps s join pipeline_runs r on r.id = s.run_id
       where r.as_of >= $1 group by s.step order by 2 desc`, [summary.days[0]]);
    console.log(`  later days by job:           ${perJob.rows.map((r) => `${r.job} ${Number(r.s).toFixed(3)} s`).join(', ')}`);
    console.log(`  pipeline steps:              ${perStep.rows.map((r) => `${r.step} ${Number(r.s).toFixed(3)} s`).join(', ')}`);

    const actor = { transport: 'telegram', userId: '7', chatId: '7' };
    console.log('command handling inside the process (parse → core → render), 200 runs each');
    for (const name of ['status', 'picks', 'positions']) {
      const times: number[] = [];
      for (let i = 0; i < 200; i++) {
        const t0 = performance.now();
        renderResult(await app.core.handle(actor, name, []), telegramHtml);
        times.push(performance.now() - t0);
      }
      console.log(`  /${name.padEnd(10)} p50 ${ms(pct(times, 50))}  p99 ${ms(pct(times, 99))}`);
    }

    const proc = await startProcess(app, 'bot');
    try {
      const times: number[] = [];
      for (let i = 0; i < 50; i++) {
        const t0 = performance.now();
        await tg.ask({ id: 7 }, 7, '/status');
        times.push(performance.now() - t0);
      }
      console.log('command round trip through Telegram (fake Bot API → telegraf long polling → core → reply), 50 runs');
      console.log(`  /status     p50 ${ms(pct(times, 50))}  p99 ${ms(pct(times, 99))}`);
    } finally {
      await proc.stop();
    }
  } finally {
    await app.close();
    await tg.stop();
    await db.drop();
  }
}

async function benchStartup(): Promise<void> {
  const varDir = mkdtempSync(path.join(tmpdir(), 'tiller-bench-'));
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli.ts'), 'start'], {
    cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'],
    env: childEnv({ MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, PORT: String(port), TILLER_VAR_DIR: varDir, EMBEDDED_PG_PORT: String(await freePort()) }),
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  try {
    let health = 0;
    while (!health) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200) health = performance.now() - t0;
      } catch { /* not up yet */ }
      if (!health) await new Promise((r) => setTimeout(r, 50));
      if (performance.now() - t0 > 60_000) throw new Error('tiller start did not answer /health within 60 s');
    }
    child.stdin!.write('/status\n');
    while (!out.includes('Status:')) await new Promise((r) => setTimeout(r, 20));
    const status = performance.now() - t0;
    console.log('start-up of `tiller start` on embedded defaults (fresh embedded PostgreSQL, CSV data, console chat)');
    console.log(`  /health 200 after ${(health / 1000).toFixed(2)} s; console /status answered after ${(status / 1000).toFixed(2)} s`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(varDir, { recursive: true, force: true });
  }
}

/** Pipeline figures: full run from empty and incremental run, each universe size in its own process. */
async function benchPipeline(): Promise<void> {
  const run = (symbols: number | null, nodeFlags: string[] = []) => new Promise<Record<string, unknown>>((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, '--expose-gc', '--import', 'tsx', path.join(ROOT, 'bench/pipeline-run.ts')], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...(symbols ? { BENCH_SYMBOLS: String(symbols) } : {}) },
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>) : reject(new Error(`pipeline bench exited ${code}`))));
  });
  const small = await run(100);
  const fullRun = await run(null);
  const capped = (await run(null, ['--max-old-space-size=256'])) as { fullSeconds: number; maxRssMb: number };
  const base = await copyBaseline();
  const f = fullRun as { symbols: number; fullSeconds: number; againSeconds: number; candles: number; indicators: number; quarantined: number; maxRssMb: number; heapAfterGcMb: number; steps: Record<string, number> };
  const sm = small as { symbols: number; fullSeconds: number; maxRssMb: number; heapAfterGcMb: number };
  console.log(`pipeline on ${SP500_DIR} (all history: 2013-02-08..2018-02-07)`);
  console.log(`  full run from an empty database, ${f.symbols} symbols: ${f.fullSeconds.toFixed(1)} s (goal < 60 s)`);
  console.log(`    steps: ${Object.entries(f.steps).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')}`);
  console.log(`    ${f.candles.toLocaleString('en-US')} candles, ${f.indicators.toLocaleString('en-US')} indicator rows (53 features), ${f.quarantined} rows quarantined`);
  console.log(`  second run, no new data: ${f.againSeconds.toFixed(1)} s (goal < 5 s)`);
  console.log(`  ingest (candles step): ${Math.round(f.candles / f.steps.candles!).toLocaleString('en-US')} rows/s; indicators step: ${Math.round(f.indicators / f.steps.indicators!).toLocaleString('en-US')} rows/s`);
  console.log(`  PostgreSQL COPY on this machine, same ${base.rows.toLocaleString('en-US')} rows: ${Math.round(base.narrowRowsPerSecond).toLocaleString('en-US')} rows/s (7 columns), ${Math.round(base.wideRowsPerSecond).toLocaleString('en-US')} rows/s (${base.wideColumns} columns)`);
  const copySeconds = base.rows / base.narrowRowsPerSecond;
  console.log(`  full run / bare COPY of the candle rows (${copySeconds.toFixed(2)} s): ${(f.fullSeconds / copySeconds).toFixed(1)}x (goal <= 5x)`);
  console.log(`  memory with ${sm.symbols} symbols: peak RSS ${sm.maxRssMb.toFixed(0)} MB, heap in use after the run ${sm.heapAfterGcMb.toFixed(0)} MB`);
  console.log(`  memory with ${f.symbols} symbols: peak RSS ${f.maxRssMb.toFixed(0)} MB, heap in use after the run ${f.heapAfterGcMb.toFixed(0)} MB`);
  console.log(`  the ${f.symbols}-symbol run with V8's heap capped at 256 MB: completes in ${capped.fullSeconds.toFixed(1)} s, peak RSS ${capped.maxRssMb.toFixed(0)} MB`);
}

async function benchChatLoad(): Promise<void> {
  const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
  const chats = Number(process.env.BENCH_LOAD_CHATS ?? 1_000);
  const rates = (process.env.BENCH_LOAD_RATES ?? '30,500').split(',').map(Number);
  const figures = await chatLoad(rates, seconds, chats);
  console.log(`chat load through Telegram (fake Bot API and its users in a process of their own, telegraf long polling), ${chats} viewer chats, /status /positions /picks in turn, 505-symbol database, ${seconds} s per rate`);
  for (const f of figures) {
    console.log(`  ${f.rate} commands/s: ${f.sent} sent, ${f.answered} answered, ${f.errors} errors; reply p50 ${ms(f.replyP50)}, p99 ${ms(f.replyP99)}`);
    console.log(`    alerts (one every 2 s, to 5 chats): ${f.alertsReceived}/${f.alertsRaised} received; event → fake server p50 ${ms(f.alertP50)}, p99 ${ms(f.alertP99)}`);
    console.log(`    RSS sampled each second: ${f.rssStartMb.toFixed(0)} MB at the start, peak ${f.rssPeakMb.toFixed(0)} MB, ${f.rssEndMb.toFixed(0)} MB at the end`);
  }
}

const only = process.argv[2];
if (!only || only === 'startup') await benchStartup();
if (!only || only === 'replay') await benchReplayAndCommands();
if (!only || only === 'features') benchFeatures();
if (!only || only === 'pipeline') await benchPipeline();
if (!only || only === 'backtest') await benchBacktest();
if (!only || only === 'scale') await benchScale();
if (!only || only === 'train') await benchTrain();
if (!only || only === 'chat') await benchChatLoad();
if (!only || only === 'picks') await benchPicksAll();
process.exit(0);
