/** `npm run soak`: the real `tiller replay` over 60 trading days with faults injected at random moments, then
 * a check of the books. Tiller trades through Alpaca (its official SDK against the fake Alpaca), delivers
 * alerts to the fake Telegram, and reaches PostgreSQL through a TCP proxy. Injected, each at a random moment:
 * SIGKILL of the process (it is started again from the day it was on), every database connection dropped for
 * a moment, Telegram answering 429 or 500, the broker timing out (it acts on the order; the answer is lost).
 * At the end: every filled order has exactly one fill, positions equal net fills, cash equals the start moved
 * by every fill, each client order id is one order at the broker, and every alert reached its chat exactly
 * once. Prints what it injected and what it verified; exits 1 if any check fails.
 *
 * Options (env): SOAK_DAYS (60), SOAK_SEED (a number; default from the clock), SOAK_KILLS (6), SOAK_FAULTS (60 in all). */
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { seededRandom } from '../../src/backtest/monte-carlo.js';
import { FakeAlpacaTrading } from '../fakes/alpaca-trading-api.js';
import { FakeTelegram } from '../fakes/telegram-bot-api.js';
import { createTestDatabase } from '../helpers/database.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { SP500_DIR, startTiller, type TillerProcess } from '../helpers/tiller-process.js';

const DAYS = Number(process.env.SOAK_DAYS ?? 60);
const SEED = Number(process.env.SOAK_SEED ?? Date.now() % 1_000_000);
const MAX_KILLS = Number(process.env.SOAK_KILLS ?? 6);
const FROM = '2017-03-01';
const UNIVERSE = ['AAPL', 'ABT', 'ADBE', 'AMZN', 'BA', 'CAT', 'CSCO', 'CVX', 'DIS', 'GE', 'GS', 'HD', 'IBM', 'INTC', 'JNJ', 'JPM', 'KO', 'MCD', 'MMM', 'MRK',
  'MSFT', 'NKE', 'ORCL', 'PEP', 'PFE', 'PG', 'T', 'UNH', 'V', 'VZ', 'WMT', 'XOM'];
const ALERT_CHAT = '-900';
const STARTING_CASH = 100_000;

/** The same faults for the same seed. */
const random = seededRandom(SEED);

/** Each symbol's opening price by day, from the recorded files: what the fake Alpaca fills market orders at. */
const opens = new Map<string, Map<string, number>>();
function openOn(symbol: string, day: string): number | null {
  let m = opens.get(symbol);
  if (!m) {
    m = new Map();
    for (const l of readFileSync(path.join(SP500_DIR, 'daily', `${symbol}.csv`), 'utf8').split('\n').slice(1)) {
      const [d, o] = l.split(',');
      if (d && Number(o) > 0) m.set(d, Number(o));
    }
    opens.set(symbol, m);
  }
  return m.get(day) ?? null;
}
const tradingDays = readFileSync(path.join(SP500_DIR, 'daily', 'AAPL.csv'), 'utf8').split('\n').slice(1).map((l) => l.slice(0, 10)).filter((d) => d >= FROM).slice(0, DAYS);
const TO = tradingDays.at(-1)!;

/** Faults of all kinds injected at most (SIGKILLs at most SOAK_KILLS of them). */
const MAX_FAULTS = Number(process.env.SOAK_FAULTS ?? 60);
const injected = { kills: 0, databaseDrops: 0, telegram429: 0, telegram500: 0, brokerTimeouts: 0, restarts: 0 };
const spent = () => injected.kills + injected.databaseDrops + injected.telegram429 / 2 + injected.telegram500 / 2 + injected.brokerTimeouts;
/** The day the running replay is on (the day after the last one it reported done). */
let today = FROM;

const tg = new FakeTelegram('88:soak');
const alpaca = new FakeAlpacaTrading('SOAKKEY', 'SOAKSECRET', (s) => openOn(s, today));
alpaca.cash = STARTING_CASH;
const db = await createTestDatabase();
const pgUrl = new URL(db.url);
const proxy = new TcpProxy(pgUrl.hostname, Number(pgUrl.port || 5432));
const dir = mkdtempSync(path.join(tmpdir(), 'tiller-soak-'));
writeFileSync(path.join(dir, 'soak.yaml'), [
  'marketData:', `  universe: [${UNIVERSE.join(', ')}]`, '  historyDays: 400',
  'trading:', `  startingCash: ${STARTING_CASH}`, '  brokerTimeoutMs: 400',
  'jobs:', '  retry:', '    attempts: 2', '    delayMs: 200', '',
].join('\n'));

const log = (s: string) => process.stdout.write(`${s}\n`);

/** The market opens on `day` at the fake Alpaca: resting limit and stop orders whose price the open reaches
 * fill there, whether or not Tiller is running (it books them when it next reconciles). */
let filledAtOpen = 0;
function marketOpens(day: string): void {
  for (const o of alpaca.created()) {
    if (o.status !== 'accepted' && o.status !== 'new') continue;
    const open = openOn(o.symbol, day);
    if (open === null) continue;
    const limit = o.limit_price === null ? null : Number(o.limit_price);
    const stop = o.stop_price === null ? null : Number(o.stop_price);
    const fills = o.type === 'limit' ? (o.side === 'buy' ? open <= limit! : open >= limit!) : o.type === 'stop' ? (o.side === 'sell' ? open <= stop! : open >= stop!) : false;
    if (!fills) continue;
    const held = alpaca.positions.get(o.symbol)?.qty ?? 0;
    if (o.side === 'sell' && held < Number(o.qty)) continue;
    alpaca.fill(o.client_order_id, o.type === 'limit' ? limit! : open);
    filledAtOpen++;
  }
}
let exitCode = 0;
try {
  const tgRoot = await tg.start();
  const alpacaRoot = await alpaca.start();
  const viaProxy = new URL(db.url);
  viaProxy.port = String(await proxy.start());
  const env = {
    DATABASE_URL: viaProxy.toString(), MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, CONSOLE_CHAT: 'off', TILLER_CONFIG: path.join(dir, 'soak.yaml'),
    TILLER_VAR_DIR: path.join(dir, 'var'), TELEGRAM_BOT_TOKEN: '88:soak', TELEGRAM_API_ROOT: tgRoot, TELEGRAM_ALERT_CHATS: ALERT_CHAT,
    BROKER: 'alpaca', ALPACA_KEY_ID: 'SOAKKEY', ALPACA_SECRET_KEY: 'SOAKSECRET', ALPACA_TRADING_URL: alpacaRoot, LOG_LEVEL: process.env.SOAK_LOG_LEVEL ?? 'error',
  };
  log(`soak: seed ${SEED}, ${tradingDays.length} trading days ${FROM} to ${TO}, ${UNIVERSE.length} symbols, Alpaca (fake, ${alpacaRoot}), Telegram (fake, ${tgRoot}), PostgreSQL behind a TCP proxy (port ${viaProxy.port})`);

  let from = FROM;
  const started = Date.now();
  for (;;) {
    const proc: TillerProcess = startTiller(['replay', '--from', from, '--to', TO], env);
    today = from;
    let seen = 0;
    let replaying = false;
    const watch = setInterval(() => {
      const lines = proc.stderr().split('\n');
      for (; seen < lines.length - 1; seen++) {
        const m = /^replay (\d{4}-\d{2}-\d{2}) /.exec(lines[seen]!);
        if (m) {
          today = tradingDays[tradingDays.indexOf(m[1]!) + 1] ?? TO;
          replaying = true;
          if (process.env.SOAK_TRACE) log(`    ${new Date().toISOString().slice(11, 23)} done ${m[1]}`);
          marketOpens(today);
        }
      }
    }, 50);
    // Faults while it replays days (from its first finished day on: a process that cannot reach its database
    // at start-up only stops with a message; and not on the last day, whose end waits for every alert to be
    // paced out to the chat), one every 0.1 to 0.6 s, until the budget is spent.
    let faulting = true;
    const faults = (async () => {
      while (faulting) {
        await new Promise((r) => setTimeout(r, 100 + random() * 500));
        if (!faulting) return;
        if (!replaying || today >= TO || spent() >= MAX_FAULTS) continue;
        const f = random();
        if (process.env.SOAK_TRACE) log(`    ${new Date().toISOString().slice(11, 23)} fault ${f.toFixed(2)} on ${today}`);
        if (f < 0.15 && injected.kills < MAX_KILLS) {
          injected.kills++;
          proc.child.kill('SIGKILL');
          return;
        } else if (f < 0.35) {
          injected.databaseDrops++;
          await proxy.cut();
          await new Promise((r) => setTimeout(r, 200 + random() * 1_300));
          await proxy.restore();
        } else if (f < 0.55) {
          // The next two sends answer 429 (not more: faults that pile up unmet would outlast the run).
          tg.retryAfter = 1;
          tg.rateLimitCount = 2;
          injected.telegram429 += 2;
        } else if (f < 0.75) {
          tg.failCount = 2;
          injected.telegram500 += 2;
        } else {
          alpaca.stallMs = 600;
          alpaca.stallNext = 1;
          injected.brokerTimeouts += 1;
        }
      }
    })();
    const code = await proc.exited;
    faulting = false;
    // Faults armed but not met (no send or order came before the process ended) are not counted as injected.
    injected.telegram429 -= tg.rateLimitCount;
    injected.telegram500 -= tg.failCount;
    injected.brokerTimeouts -= alpaca.stallNext;
    tg.rateLimitCount = 0;
    tg.failCount = 0;
    alpaca.stallNext = 0;
    clearInterval(watch);
    await faults;
    await proxy.restore();
    if (code === 0 && proc.stdout().includes('replayed')) {
      log(`  last run: ${proc.stdout().trim().split('\n').slice(0, 6).join(' | ').slice(0, 600)}`);
      break;
    }
    injected.restarts++;
    if (process.env.SOAK_LOG) writeFileSync(`${process.env.SOAK_LOG}.${injected.restarts}`, `${code}\n${proc.stderr()}\n--- stdout\n${proc.stdout()}`);
    from = today;
    const why = code === null ? `killed, ${injected.kills} of ${MAX_KILLS}` : `exit ${code}: ${proc.stderr().trim().split('\n').filter((l) => !l.startsWith('replay ')).slice(-2).join(' | ').slice(0, 300)}`;
    log(`  the process ended (${why}) on ${today}: started again from ${from}`);
    if (injected.restarts > 40) throw new Error('more than 40 restarts: the replay cannot finish');
  }
  log(`soak: replayed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  // Alerts still waiting (paced at one a second to the chat, and backed off after the injected 429s and 500s)
  // are delivered by running the last day again, fault-free, until none is left (each run waits up to 60 s).
  const waiting = async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      return (await c.query<{ n: number }>("select count(*)::int as n from alert_deliveries where status in ('pending', 'sending')")).rows[0]!.n;
    } finally {
      await c.end();
    }
  };
  for (let round = 1; round <= 8 && (await waiting()) > 0; round++) {
    log(`  ${await waiting()} alert(s) still waiting: the last day again to deliver them (round ${round})`);
    await startTiller(['replay', '--from', TO, '--to', TO], env).exited;
  }
  log(`the fake market filled ${filledAtOpen} resting order(s) at an open while Tiller was not asking`);
  log(`injected: ${injected.kills} SIGKILLs, ${injected.databaseDrops} database connection drops, ${injected.telegram429} Telegram 429s, ${injected.telegram500} Telegram 500s, ${injected.brokerTimeouts} broker answers lost to a timeout (${injected.restarts} restarts)`);

  // The books, read from the real server directly.
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  const checks: Array<[string, boolean, string]> = [];
  const one = async <T extends pg.QueryResultRow>(q: string) => (await c.query<T>(q)).rows;
  const filledWithout = await one<{ id: string; n: number }>(`select o.client_order_id as id, count(f.id)::int as n from orders o left join fills f on f.client_order_id = o.client_order_id
    where o.status in ('filled', 'partially_filled') group by o.client_order_id having count(f.id) <> 1`);
  const fillsWithout = await one<{ id: string }>(`select f.client_order_id as id from fills f join orders o using (client_order_id) where o.status not in ('filled', 'partially_filled')`);
  const nFills = (await one<{ n: number }>('select count(*)::int as n from fills'))[0]!.n;
  checks.push([`every filled order has exactly one fill (${nFills} fills)`, filledWithout.length === 0 && fillsWithout.length === 0, JSON.stringify({ filledWithout, fillsWithout })]);
  const net = await one<{ symbol: string; net: number; held: number }>(`select coalesce(f.symbol, p.symbol) as symbol, coalesce(f.net, 0) as net, coalesce(p.qty, 0) as held from
    (select symbol, sum(case when side = 'buy' then qty else -qty end) as net from fills group by symbol) f full join positions p on p.symbol = f.symbol`);
  const off = net.filter((r) => Math.abs(Number(r.net) - Number(r.held)) > 1e-9);
  checks.push([`positions equal net fills (${net.filter((r) => Number(r.held) !== 0).length} held)`, off.length === 0, JSON.stringify(off)]);
  const moved = (await one<{ m: number }>(`select coalesce(sum(case when side = 'buy' then -(qty * price) - fee else qty * price - fee end), 0) as m from fills`))[0]!.m;
  const cash = Number((await one<{ cash: number }>('select cash from account'))[0]!.cash);
  checks.push([`cash equals the start moved by every fill (${cash.toFixed(2)})`, Math.abs(STARTING_CASH + Number(moved) - cash) < 0.01, `start ${STARTING_CASH} + fills ${Number(moved).toFixed(2)} vs ${cash}`]);
  const ours = new Set((await one<{ id: string }>("select client_order_id as id from orders")).map((r) => r.id));
  const atBroker = alpaca.created().map((o) => o.client_order_id);
  const dupAtBroker = atBroker.filter((id, i) => atBroker.indexOf(id) !== i);
  const strangers = atBroker.filter((id) => !ours.has(id));
  checks.push([`each client order id is one order at the broker (${atBroker.length} orders, ${alpaca.posts.length} order requests)`, dupAtBroker.length === 0 && strangers.length === 0, JSON.stringify({ dupAtBroker, strangers })]);
  const deliveries = await one<{ status: string; n: number }>("select status, count(*)::int as n from alert_deliveries where transport = 'telegram' group by status");
  const delivered = deliveries.find((d) => d.status === 'delivered')?.n ?? 0;
  const received = tg.sent.filter((m) => m.chatId === ALERT_CHAT && m.method !== 'editMessageText');
  const outbox = (await one<{ n: number }>('select count(*)::int as n from alert_outbox'))[0]!.n;
  checks.push([`every alert reached its chat exactly once (${outbox} alerts, ${received.length} messages)`,
    deliveries.every((d) => d.status === 'delivered') && delivered === outbox && received.length === delivered,
    JSON.stringify({ deliveries, outbox, received: received.length })]);
  // What the days did, for the reader (not checked): trading state, orders, job failures.
  const state = (await one<{ status: string; reason: string }>('select status, reason from trading_state'))[0];
  const orders = await one<{ status: string; n: number }>('select status, count(*)::int as n from orders group by status order by status');
  const jobs = await one<{ job: string; n: number }>("select job, count(*)::int as n from job_runs where outcome = 'failed' group by job order by job");
  log(`the books: trading ${state ? `${state.status} (${state.reason})` : 'RUNNING'}; orders ${orders.map((o) => `${o.n} ${o.status}`).join(', ') || 'none'}; failed job runs (faults) ${jobs.map((j) => `${j.job} ${j.n}`).join(', ') || 'none'}`);
  await c.end();
  log('verified:');
  for (const [what, ok, detail] of checks) {
    log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}${ok ? '' : `: ${detail}`}`);
    if (!ok) exitCode = 1;
  }
  log(exitCode === 0 ? 'soak: the books hold' : `soak: FAILED (seed ${SEED} replays these faults)`);
} catch (err) {
  log(`soak: could not finish: ${err instanceof Error ? err.stack : String(err)}`);
  exitCode = 1;
} finally {
  await proxy.cut().catch(() => undefined);
  await tg.stop();
  await alpaca.stop();
  await db.drop();
}
process.exit(exitCode);
