#!/usr/bin/env node
/** The `tiller` executable: parses the subcommand and calls src/main.ts. */
import { Presets, SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import type { PipelineResult, ProgressFn } from './pipeline/pipeline.service.js';
import { stringify as toYaml } from 'yaml';
import { loadConfig, redactConfig, type AppConfig } from './config.js';
import { instantAt, tradingDayOf } from './market/market-time.js';
import { cronTimeOfDay } from '../jobs/replay.js';
import { ConfigError, UserError } from './domain/errors.js';
import { createLogger } from './logger.js';
import { latestRunnableDay, runJobNow, runReplayThroughWorkers } from '../jobs/job-control.js';
import { createApp, recordedDataEnd, runReplay, startProcess, type App, type RunningProcess } from './main.js';
import { ManualClock } from './ports/clock.port.js';
import { runBacktestToFiles } from './backtest/backtest-job.js';
import { resolveStrategy } from './picks/strategy.js';
import { STRATEGIES } from './backtest/backtest.service.js';
import { monteCarloTable, summaryTable, walkForwardTable } from './backtest/report-files.js';
import { isJobName, JOB_NAMES } from '../jobs/daily-jobs.js';
import { trainReportTable } from '../models/train-report.js';
import { progressLine, trackTraining } from './training/training-progress.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a whole number above 0');
  return n;
}

function day(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('expected a date like 2017-01-03');
  return value;
}

/** A progress bar on the terminal for long pipeline steps; null when stderr is not a terminal (then
 * progress goes to the log). */
function terminalProgress(): ProgressFn | undefined {
  if (!process.stderr.isTTY) return undefined;
  const bar = new SingleBar({ stream: process.stderr, format: ' {step} [{bar}] {value}/{total} symbols, {eta_formatted} left', hideCursor: true }, Presets.shades_classic);
  let current = '';
  return (step, done, total) => {
    if (step !== current) {
      if (current) bar.stop();
      current = step;
      bar.start(total, 0, { step: step.padEnd(10) });
    }
    bar.update(done, { step: step.padEnd(10) });
    if (done === total) {
      bar.stop();
      current = '';
    }
  };
}

async function withApp<T>(clock: ManualClock | undefined, fn: (app: App) => Promise<T>, config: AppConfig = loadConfig()): Promise<T> {
  const app = await createApp(config, { clock, progress: terminalProgress() });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** False once a long-running mode (start, worker, bot) has started: then the process lives until a signal. */
let oneShot = true;

async function serve(mode: 'start' | 'bot' | 'worker'): Promise<void> {
  oneShot = false;
  const config = loadConfig();
  // Beside the console chat (same terminal) log lines are written for a person, not as JSON.
  const log = createLogger(config.logLevel, process.stderr, { readable: config.consoleChat && mode !== 'worker' });
  let app: App | null = null;
  let proc: RunningProcess | null = null;
  // Handlers go in first: a signal during start-up waits for start-up to finish, then shuts down cleanly.
  let started: Promise<void> = Promise.resolve();
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    let code = 0;
    try {
      await started.catch(() => undefined);
      await proc?.stop();
      await app?.close();
    } catch (err) {
      code = 1;
      log.error({ err }, 'shutdown failed');
    } finally {
      process.exit(code);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  log.debug({ config: redactConfig(config) }, 'configuration');
  started = (async () => {
    app = await createApp(config, { log });
    proc = await startProcess(app, mode);
  })();
  await started;
}

const program = new Command()
  .name('tiller')
  .description('Tiller: a self-hosted, chat-driven trading assistant (paper trading by default).');

program.command('start').description('all in one: HTTP API, chat bots and the job scheduler').action(() => serve('start'));
program.command('worker').description('the job scheduler only (run several to share the work)').action(() => serve('worker'));
program.command('bot').description('chat bots and the HTTP API only').action(() => serve('bot'));
program.command('migrate').description('apply database migrations and exit').action(() => withApp(undefined, async () => undefined));
program.command('config').description('print the configuration in effect (defaults, market profile, your file, .env and environment), secrets, keys and ids masked')
  .action(() => void process.stdout.write(toYaml(redactConfig(loadConfig()))));
program
  .command('run')
  .description(`run one job now: ${JOB_NAMES.join(', ')}`)
  .argument('<job>', 'the job to run')
  .option('--day <date>', 'the trading day to run it for (default: today in the market time zone); a past day runs on a clock set to the job\'s scheduled time that day', day)
  .action(async (job: string, opts: { day?: string }) => {
    if (!isJobName(job)) throw new UserError(`unknown job "${job}"; jobs: ${JOB_NAMES.join(', ')}`);
    const config = loadConfig();
    const tz = config.market.timezone;
    let day = opts.day;
    const today = tradingDayOf(new Date(), tz);
    if (!day) {
      // Recorded data (the CSV provider) ends before today: its last day is the latest there is to run.
      const end = await recordedDataEnd(config);
      if (end && end < today) {
        day = latestRunnableDay(config.market, job, end);
        const why = day === end ? '' : ` (the trading day after it, whose ${job} reads the ${end} bar)`;
        process.stderr.write(`tiller: the ${config.marketData.provider} market data ends ${end}; running ${job} for ${day}${why} (--day runs another day)\n`);
      }
    }
    // A past day is run as replay would run it: at the job's scheduled time on that day.
    const clock = day && day !== today ? new ManualClock(instantAt(day, cronTimeOfDay(config.schedule[job]), tz)) : undefined;
    const result = await withApp(clock, (app) => runJobNow(app, job, day), config);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    const failed = (result as Partial<PipelineResult> | null)?.failedSymbols;
    if (failed && failed.length > 0) {
      process.stderr.write(`tiller: ${job} partial: ${failed.length} symbol(s) not stored, the others were (failedSymbols above; /pipeline)\n`);
    }
  });
program
  .command('replay')
  .description('run the daily schedule over historical trading days on a simulated clock')
  .requiredOption('--from <date>', 'first day', day)
  .requiredOption('--to <date>', 'last day', day)
  .option('--workers', 'queue each job of each day for the running workers (`tiller worker`, `start`) and wait for it, instead of running it here; the workers run it at its scheduled time that day')
  .action(async (opts: { from: string; to: string; workers?: boolean }) => {
    const progress = (d: string, i: number, n: number) => process.stderr.write(`replay ${d} (${i}/${n})\n`);
    const summary = opts.workers
      ? await withApp(undefined, (app) => runReplayThroughWorkers(app, opts.from, opts.to, progress))
      : await withApp(new ManualClock(new Date(`${opts.from}T00:00:00Z`)), (app) => runReplay(app, opts.from, opts.to, progress));
    const rate = summary.days.length / Math.max(summary.seconds, 1e-9);
    process.stdout.write(`replayed ${summary.days.length} trading days in ${summary.seconds.toFixed(1)} s (${rate.toFixed(2)} days/s), ${summary.failures.length} job failure(s)\n`);
    for (const f of summary.failures) process.stdout.write(`  ${f.day} ${f.job}: ${f.error}\n`);
    if (summary.failures.length > 0) process.exitCode = 1;
  });

program
  .command('backtest')
  .description('trade the live rules over stored history in memory and write a report (report.json, CSVs, chart.png)')
  .requiredOption('--from <date>', 'first trading day', day)
  .requiredOption('--to <date>', 'last trading day', day)
  .option('--strategy <name>', `what picks are traded (${STRATEGIES.join(', ')}; default: trading.strategy)`)
  .option('--profile <name>', 'the risk profile traded (default: trading.profile)')
  .option('--symbols <list>', 'comma-separated symbols (default: every stored symbol)')
  .option('--out <dir>', 'where to write the report (default: <var>/backtests/<id>)')
  .option('--walk-forward', 'also optimise stop, target and time exit walk-forward (train, then trade the next span)')
  .option('--train-months <n>', 'walk-forward training span', positiveInt, 12)
  .option('--test-months <n>', 'walk-forward test span (and step)', positiveInt, 6)
  .option('--distribute', 'queue the walk-forward backtests as Agenda jobs: every running `tiller worker` (and `tiller start`) on this database shares them with this process')
  .option('--monte-carlo <runs>', 'also resample the closed trades this many times', positiveInt)
  .action(async (opts: {
    from: string; to: string; strategy?: string; profile?: string; symbols?: string; out?: string;
    walkForward?: boolean; trainMonths: number; testMonths: number; monteCarlo?: number; distribute?: boolean;
  }) => {
    if (opts.distribute && !opts.walkForward) throw new UserError('--distribute shares walk-forward work; add --walk-forward');
    const started = performance.now();
    const symbols = opts.symbols?.split(',').map((x) => x.trim()).filter(Boolean);
    const { result, dir, walkForward, monteCarlo } = await withApp(undefined, async (app) => {
      const bar = process.stderr.isTTY ? new SingleBar({ stream: process.stderr, format: ' {step} [{bar}] {value}/{total}, {eta_formatted} left', hideCursor: true }, Presets.shades_classic) : null;
      let phase = '';
      const show = (step: string, done: number, total: number) => {
        if (!bar) return;
        if (phase !== step) {
          if (phase) bar.stop();
          phase = step;
          bar.start(total, 0, { step: step.padEnd(9) });
        }
        bar.update(done, { step: step.padEnd(9) });
      };
      try {
        const { limits } = await app.limits.current();
        return await runBacktestToFiles(app.backtest, app.config, limits, {
          ...opts, symbols, walkForward: opts.walkForward ? { trainMonths: opts.trainMonths, testMonths: opts.testMonths } : undefined,
        }, {
          now: new Date(), volatility: app.volatility, serviceFor: app.backtestFor, runs: app.repos.backtestRuns, requestedBy: 'cli', strategyScores: app.strategyScores,
          sweeps: opts.distribute ? app.distributedSweeps : undefined,
          progress: { loading: (d, n) => show('features', d, n), day: (_d, i, n) => show('days', i, n), sweep: (d, n) => show('sweep', d, n) },
        });
      } finally {
        bar?.stop();
      }
    });
    const total = (performance.now() - started) / 1000;
    for (const note of result.notes) process.stdout.write(`note: ${note}\n`);
    process.stdout.write(`${summaryTable(result)}\n`);
    process.stdout.write(`\n${result.bars.toLocaleString('en-US')} symbol-days in ${result.seconds.run.toFixed(2)} s after loading `
      + `(${Math.round(result.bars / Math.max(result.seconds.run, 1e-9)).toLocaleString('en-US')} bars/s); loading ${result.seconds.load.toFixed(2)} s; `
      + `${total.toFixed(2)} s from the command; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`);
    if (walkForward) process.stdout.write(`\n${walkForwardTable(walkForward)}\n`);
    if (monteCarlo) process.stdout.write(`\n${monteCarloTable(monteCarlo)}\n`);
    process.stdout.write(`report: ${dir} (report.json, trades.csv, orders.csv, equity.csv, picks.csv, chart.png${walkForward ? ', walk-forward.json' : ''}${monteCarlo ? ', monte-carlo.json' : ''})\n`);
  });

program
  .command('train')
  .description('evaluate every model family beside the 12-1 momentum baseline walk-forward (purged folds) on the stored market data, train and store each family\'s model, and promote it only if it beats the baseline; prints the evaluation table')
  .option('--report', 'only evaluate and print the table: store and promote nothing')
  .option('--horizon <days>', 'forward-return horizon in trading days, from the next open (default: models.horizon)', positiveInt)
  .option('--train-days <n>', 'minimum training days before the first test span (default: models.trainDays)', positiveInt)
  .option('--test-days <n>', 'test span (and step) in trading days (default: models.testDays)', positiveInt)
  .option('--symbols <list>', 'comma-separated symbols (default: every stored symbol)')
  .option('--distribute', 'queue each (family, fold) as an Agenda job shared with every running `tiller worker` / `tiller start`')
  .action(async (opts: { report?: boolean; horizon?: number; trainDays?: number; testDays?: number; symbols?: string; distribute?: boolean }) => {
    const base = loadConfig();
    const config: AppConfig = {
      ...base,
      models: { ...base.models, horizon: opts.horizon ?? base.models.horizon, trainDays: opts.trainDays ?? base.models.trainDays, testDays: opts.testDays ?? base.models.testDays },
    };
    const symbols = opts.symbols?.split(',').map((x) => x.trim()).filter(Boolean);
    let last = '';
    const onProgress = trackTraining((p) => {
      const line = progressLine({ ...p, etaSeconds: Math.round(p.etaSeconds) });
      if (process.stderr.isTTY && line !== last) process.stderr.write(`\r${line}   `);
      last = line;
    });
    const out = await withApp(undefined, async (app) => {
      const m = await app.backtest.load(symbols);
      const shared = opts.distribute || config.models.distribute
        ? await app.distributedTraining({ symbols: symbols ?? null, dataThrough: m.days.at(-1)!, models: config.models }, m, (done, total) => {
          if (process.stderr.isTTY) process.stderr.write(`\rtraining folds: ${done}/${total} done by the workers   `);
        })
        : null;
      try {
        const done = opts.report
          ? { report: await app.trainingFor(config).report(m, onProgress, shared?.runner), models: [], rule: null, signalRules: [] }
          : await app.trainingFor(config).train(m, onProgress, shared?.runner);
        const trading = opts.report ? null : await resolveStrategy(config, app.repos.models);
        return { ...done, ranOn: shared ? shared.runner.where : null, trading };
      } finally {
        await shared?.close();
      }
    }, config);
    if (process.stderr.isTTY) process.stderr.write('\n');
    if (out.report.folds.length === 0) throw new UserError('not enough stored days for one fold: run the pipeline over more history, or lower --train-days/--test-days');
    process.stdout.write(`${trainReportTable(out.report)}\n`);
    for (const mdl of out.models) process.stdout.write(`${mdl.kind} v${mdl.version}: ${mdl.status === 'active' ? 'PROMOTED, now active' : 'rejected'}: ${mdl.reason}\n`);
    for (const r of [...(out.rule ? [out.rule] : []), ...out.signalRules]) process.stdout.write(`${r.name}: ${r.passed ? 'passed the gate' : 'did NOT pass the gate'}: ${r.reason}\n`);
    if (out.trading) {
      const t = out.trading;
      const why = t.gate === 'baseline' ? t.reason : t.gate === 'passed' ? 'it passed the gate' : `it did NOT pass the gate; /status says so`;
      process.stdout.write(`trading.strategy ${t.configured}: the picks now come from ${t.name} (${why})\n`);
    }
    if (out.ranOn) process.stdout.write(`training folds ran on: ${out.ranOn}\n`);
    if (opts.report) process.stdout.write('(--report: nothing stored or promoted)\n');
  });

// A one-shot command exits when its work is done and the app is closed, instead of waiting for timers a
// library left behind (Agenda's lock checks run for minutes after a job).
program.parseAsync().then(() => {
  if (oneShot) process.exit(process.exitCode ?? 0);
}, (err: unknown) => {
  if (err instanceof ConfigError || err instanceof UserError) {
    process.stderr.write(`tiller: ${err.message}\n`);
    process.exit(2);
  }
  // One line for the person at the terminal; the stack only when they asked for debug logs.
  const message = err instanceof Error ? err.message : String(err);
  let debug = false;
  try {
    debug = ['debug', 'trace'].includes(loadConfig().logLevel);
  } catch {
    // the configuration itself is what failed: its message says so
  }
  process.stderr.write(`tiller: ${message}\n${debug && err instanceof Error && err.stack ? `${err.stack}\n` : '(LOG_LEVEL=debug prints the stack)\n'}`);
  process.exit(1);
});
