/** The whole loop on real parts: the real `tiller` process on real PostgreSQL replays 20 trading days of
 * the S&P 500 data, alerts reach a fake Telegram Bot API through telegraf, and the chat commands answer
 * with the numbers in the database; emergency stop halts and survives a restart. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notional, roundMoney } from '../../src/domain/money.js';
import { FakeTelegram, type SentMessage } from '../fakes/telegram-bot-api.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { eventually, freePort, SP500_DIR, startTiller, type TillerProcess } from '../helpers/tiller-process.js';

const TOKEN = '123456:TEST-token';
const ADMIN = { id: 1001, username: 'ada' };
const OPERATOR = { id: 1002, username: 'otto' };
const VIEWER = { id: 1003, username: 'vera' };
const STRANGER = { id: 9999, username: 'mallory' };
const ALERT_CHAT = -500;
const STARTING_CASH = 100_000;

const round2 = (x: number) => Math.round(x * 100) / 100;
const fmt = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

describe('replay and Telegram, end to end', () => {
  let db: TestDatabase;
  let tg: FakeTelegram;
  let sql: pg.Client;
  let env: Record<string, string>;
  let proc: TillerProcess | null = null;
  let port: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    tg = new FakeTelegram(TOKEN);
    const apiRoot = await tg.start();
    port = await freePort();
    env = {
      DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, PORT: String(port), HOST: '127.0.0.1',
      TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: apiRoot, TELEGRAM_ADMINS: String(ADMIN.id),
      TELEGRAM_OPERATORS: String(OPERATOR.id), TELEGRAM_VIEWERS: String(VIEWER.id), TELEGRAM_ALERT_CHATS: String(ALERT_CHAT),
      CONSOLE_CHAT: 'off',
    };
    sql = new pg.Client({ connectionString: db.url });
  }, 60_000);

  afterAll(async () => {
    await proc?.kill('SIGKILL');
    await sql?.end().catch(() => undefined);
    await tg?.stop();
    await db?.drop();
  });

  it('replays 20 trading days: picks for both profiles, orders, fills and positions agree, one alert per trade', async () => {
    const replay = startTiller(['replay', '--from', '2017-01-03', '--to', '2017-01-31'], env);
    const code = await replay.exited;
    expect(code, replay.stderr()).toBe(0);
    expect(replay.stdout()).toMatch(/replayed 20 trading days .* 0 job failure\(s\)/);

    await sql.connect();
    const picks = await sql.query<{ profile: string; days: number; n: number }>(
      'select profile, count(distinct day)::int as days, count(*)::int as n from picks where traded group by profile order by profile');
    expect(picks.rows.map((r) => r.profile)).toEqual(['aggressive', 'conservative']);
    for (const r of picks.rows) expect(r.days).toBeGreaterThanOrEqual(11);

    // Every filled order has exactly one fill, and every fill belongs to a filled order.
    const orphan = await sql.query(`select o.client_order_id from orders o left join fills f using (client_order_id)
      where (o.status = 'filled') <> (f.id is not null)`);
    expect(orphan.rows).toEqual([]);
    const fills = (await sql.query<{ symbol: string; side: string; qty: number; price: number; fee: number; client_order_id: string }>(
      'select symbol, side, qty, price, fee, client_order_id from fills order by id')).rows;
    const buys = fills.filter((f) => f.side === 'buy');
    const sells = fills.filter((f) => f.side === 'sell');
    expect(buys.length).toBeGreaterThan(5);
    expect(sells.length).toBeGreaterThan(0);

    // Positions are exactly the net of the fills.
    const net = new Map<string, number>();
    for (const f of fills) net.set(f.symbol, (net.get(f.symbol) ?? 0) + (f.side === 'buy' ? f.qty : -f.qty));
    const expectedPositions = [...net].filter(([, q]) => q !== 0).sort(([a], [b]) => a.localeCompare(b));
    const positions = (await sql.query<{ symbol: string; qty: number }>('select symbol, qty from positions order by symbol')).rows;
    expect(positions.map((p) => [p.symbol, p.qty])).toEqual(expectedPositions);

    // Cash is the starting cash moved by every fill, each booked to the cent.
    const cashFromFills = fills.reduce((c, f) => c + (f.side === 'buy' ? -roundMoney(notional(f.price, f.qty) + f.fee) : roundMoney(notional(f.price, f.qty) - f.fee)), STARTING_CASH);
    const cash = (await sql.query<{ cash: number }>('select cash from account')).rows[0]!.cash;
    expect(cash).toBeCloseTo(cashFromFills, 2);
    expect((await sql.query('select 1 from closed_trades')).rowCount).toBe(sells.length);

    // One alert per trade reached the alert chat through the Bot API.
    const alerts = tg.sent.filter((m) => m.chatId === String(ALERT_CHAT));
    for (const f of buys) expect(alerts.filter((m) => m.text.includes('Opened') && m.text.includes(`<code>${f.symbol}</code>`)).length).toBeGreaterThanOrEqual(1);
    expect(alerts.filter((m) => m.text.includes('<b>Opened</b>')).length).toBe(buys.length);
    expect(alerts.filter((m) => m.text.includes('<b>Closed</b>')).length).toBe(sells.length);
    // The reports come as photos of their chart: one a day, and one a week on the week's last trading day
    // (January 6, 13, 20 and 27; the 31st is a Tuesday).
    const reports = alerts.filter((m) => /Daily report|Weekly report/.test(m.text));
    expect(reports.filter((m) => m.text.includes('Daily report')).length).toBe(20);
    expect(reports.filter((m) => m.text.includes('Weekly report')).map((m) => /to (\d{4}-\d{2}-\d{2})/.exec(m.text)?.[1])).toEqual(['2017-01-06', '2017-01-13', '2017-01-20', '2017-01-27']);
    expect(reports.every((m) => m.method === 'sendPhoto' && m.photo!.subarray(1, 4).toString() === 'PNG')).toBe(true);
  }, 480_000);

  it('answers /status, /picks and /positions with the real numbers; refuses and audits strangers', async () => {
    proc = startTiller(['start'], env);
    await eventually(async () => {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      return r.status === 200 ? true : undefined;
    }, 60_000, '/health 200');

    const positions = (await sql.query<{ symbol: string; qty: number }>('select p.symbol, p.qty from positions p order by symbol')).rows;
    const cash = (await sql.query<{ cash: number }>('select cash from account')).rows[0]!.cash;
    // After a replay the account is shown as of the replayed period: positions valued at the last replayed
    // close, so /status agrees with the replay's last daily report.
    const last = (await sql.query<{ day: string; equity: number }>('select day::text, equity from portfolio_snapshots order by day desc limit 1')).rows[0]!;
    expect(last.day).toBe('2017-01-31');
    const report = tg.sent.filter((m) => m.chatId === String(ALERT_CHAT) && m.text.includes('Daily report')).at(-1);
    expect(report?.text).toContain(fmt(last.equity));

    const status = await tg.ask(VIEWER, VIEWER.id, '/status');
    expect(status.text).toContain('<b>RUNNING</b>');
    expect(status.text).toContain(`Equity: ${fmt(last.equity)} USD`);
    expect(status.text).toContain('Trading day: 2017-01-31');
    expect(status.text).toContain(`Cash: ${fmt(round2(cash))} USD`);
    expect(status.text).toContain(`Open positions: ${positions.length}`);

    const latest = (await sql.query<{ day: string }>("select max(day)::text as day from picks")).rows[0]!.day;
    const top = (await sql.query<{ symbol: string; profile: string }>('select symbol, profile from picks where day = $1 and rank = 1 and traded', [latest])).rows;
    const picks = await tg.ask(VIEWER, VIEWER.id, '/picks');
    expect(picks.text).toContain(latest);
    for (const t of top) expect(picks.text).toContain(`<code>1  ${t.symbol} `);

    const pos = await tg.ask(VIEWER, VIEWER.id, '/positions');
    for (const p of positions) expect(pos.text).toContain(`<code>${p.symbol}</code> ${p.qty} @`);

    const lastRun = (await sql.query<{ id: number; as_of: string }>("select id, as_of::text from pipeline_runs order by id desc limit 1")).rows[0]!;
    const pipeline = await tg.ask(OPERATOR, OPERATOR.id, '/pipeline 1');
    expect(pipeline.text).toContain(`#${lastRun.id} for ${lastRun.as_of}: <b>succeeded</b>`);
    for (const step of ['universe', 'candles', 'indicators', 'fundamentals', 'validation', 'exports']) expect(pipeline.text).toContain(`  ${step}: succeeded`);
    expect((await tg.ask(VIEWER, VIEWER.id, '/pipeline')).text).toContain('/pipeline needs the operator role');
    expect((await tg.ask(OPERATOR, OPERATOR.id, '/pipeline 99')).text).toContain('"99" is not a number of runs from 1 to 10.');

    const refused = await tg.ask(STRANGER, ALERT_CHAT, '/pause');
    expect(refused.text).toContain('not authorised');
    const viewerPause = await tg.ask(VIEWER, VIEWER.id, '/pause');
    expect(viewerPause.text).toContain('needs the operator role');
    const audit = await sql.query<{ outcome: string; role: string | null }>(
      "select outcome, role from audit_log where user_id = $1 and command = 'pause'", [String(STRANGER.id)]);
    expect(audit.rows).toEqual([{ outcome: 'refused', role: null }]);
    expect((await sql.query<{ status: string }>('select status from trading_state')).rows[0]?.status ?? 'RUNNING').toBe('RUNNING');
  }, 120_000);

  it('/emergency_stop asks for confirmation, only the requester can confirm, then halts and closes everything; HALTED survives a restart', async () => {
    const before = (await sql.query<{ symbol: string }>('select symbol from positions')).rows.map((r) => r.symbol).sort();
    expect(before.length).toBeGreaterThan(0);

    const ask = await tg.ask(ADMIN, ADMIN.id, '/emergency_stop end of test');
    const buttons = ask.replyMarkup?.inline_keyboard?.[0] ?? [];
    const confirm = buttons.find((b) => b.callback_data?.endsWith(':y'));
    expect(confirm?.callback_data).toMatch(/^cf:[0-9a-f]+:y$/);

    // Someone else pressing the button is refused, to them alone, and nothing happens.
    let n = tg.sent.length;
    const answered = tg.answers.length;
    tg.pressButton(OPERATOR, ask, confirm!.callback_data!);
    const notYours = await tg.waitForAnswer((a) => a.text.includes('Only the user who asked'), 15_000, answered);
    expect(notYours).toMatchObject({ userId: String(OPERATOR.id), showAlert: true });
    expect(tg.sent.slice(n)).toEqual([]);
    expect((await sql.query('select 1 from positions')).rowCount).toBe(before.length);

    n = tg.sent.length;
    tg.pressButton(ADMIN, ask, confirm!.callback_data!);
    const done: SentMessage = await tg.waitFor((m) => m.method === 'editMessageText' && m.text.includes('HALTED'), 30_000, n);
    expect(done.text).toContain(`closed ${before.length} position(s)`);

    expect((await sql.query('select 1 from positions')).rowCount).toBe(0);
    expect((await sql.query("select 1 from orders where status in ('new', 'submitted')")).rowCount).toBe(0);
    const halts = (await sql.query<{ symbol: string }>("select symbol from closed_trades where reason = 'halt' order by symbol")).rows.map((r) => r.symbol);
    expect(halts).toEqual(before);
    const state = (await sql.query<{ status: string; changed_by: string }>('select status, changed_by from trading_state')).rows[0];
    expect(state).toEqual({ status: 'HALTED', changed_by: `telegram:${ADMIN.id} (${ADMIN.username})` });
    await eventually(() => (tg.sent.filter((m) => m.chatId === String(ALERT_CHAT) && m.text.includes('(halt)')).length === before.length ? true : undefined), 15_000, 'halt alerts');

    // A second press of the same button does nothing: the confirmation was used up (said to the presser alone;
    // the halted card stays as it is).
    n = tg.sent.length;
    const answeredBefore = tg.answers.length;
    tg.pressButton(ADMIN, ask, confirm!.callback_data!);
    await tg.waitForAnswer((a) => a.text.includes('expired or was already used') && a.showAlert, 15_000, answeredBefore);
    expect(tg.sent.slice(n).filter((m) => m.chatId === String(ADMIN.id) && !m.text.includes('(halt)'))).toEqual([]);

    expect(await proc!.kill('SIGTERM')).toBe(0);
    proc = startTiller(['start'], env);
    await eventually(async () => ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200 ? true : undefined), 60_000, 'restart');
    const after = await tg.ask(VIEWER, VIEWER.id, '/status');
    expect(after.text).toContain('<b>HALTED</b>');
    expect(after.text).toContain('Open positions: 0');
  }, 180_000);

  it('(after the others) `tiller backtest` over the same 20 days places the same orders and fills as the replay, and picks the same symbols', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'tiller-bt-'));
    try {
      // The replay's last pipeline stored bars up to 2017-01-30 (each day's run stores the day before); the
      // backtest needs the bars of every day it trades, as a trader would load them first.
      const short = startTiller(['backtest', '--from', '2017-01-03', '--to', '2017-01-31', '--out', out], env);
      expect(await short.exited, short.stderr()).toBe(0);
      expect(short.stdout()).toContain('stored data ends 2017-01-30');
      const pipeline = startTiller(['run', 'pipeline', '--day', '2017-02-01'], env);
      expect(await pipeline.exited, pipeline.stderr()).toBe(0);
      const bt = startTiller(['backtest', '--from', '2017-01-03', '--to', '2017-01-31', '--out', out], env);
      expect(await bt.exited, bt.stderr()).toBe(0);
      expect(bt.stdout()).toMatch(/total return/);
      const lines = (file: string) => readFileSync(path.join(out, file), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
      // client_order_id, day, symbol, side, type, qty, reason, status, fill_qty, fill_price, fee
      const btOrders = lines('orders.csv').map((c) => [c[0], c[2], c[3], Number(c[5]), c[7], c[8] ? Number(c[8]) : null, c[9] ? Number(c[9]).toFixed(4) : null, c[10] ? Number(c[10]).toFixed(2) : null]);
      const dbOrders = (await sql.query<{ id: string; symbol: string; side: string; qty: number; status: string; fqty: number | null; price: number | null; fee: number | null }>(
        `select o.client_order_id as id, o.symbol, o.side, o.qty, o.status, f.qty as fqty, f.price, f.fee
         from orders o left join fills f using (client_order_id) where o.day <= '2017-01-31' order by o.client_order_id`)).rows
        .map((r) => [r.id, r.symbol, r.side, r.qty, r.status, r.fqty, r.price === null ? null : r.price.toFixed(4), r.fee === null ? null : r.fee.toFixed(2)]);
      btOrders.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      expect(dbOrders.length).toBeGreaterThan(5);
      expect(btOrders).toEqual(dbOrders);
      // The traded profile's picks: date is the signal day, so compare symbols and ranks in order.
      const btPicks = lines('picks.csv').map((c) => `${c[1]}#${c[2]}`);
      const dbPicks = (await sql.query<{ symbol: string; rank: number }>("select symbol, rank from picks where profile = 'conservative' and traded order by day, rank")).rows.map((r) => `${r.symbol}#${r.rank}`);
      expect(btPicks).toEqual(dbPicks);
      const equity = lines('equity.csv');
      const snaps = (await sql.query<{ equity: number }>("select equity from portfolio_snapshots where day <= '2017-01-31' order by day")).rows;
      expect(equity.map((c) => Number(c[1]))).toEqual(snaps.map((r) => r.equity));
      expect(readFileSync(path.join(out, 'chart.png')).subarray(1, 4).toString()).toBe('PNG');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('(after the others) each strategy and profile\'s shadow portfolio equals a backtest of it over the same days; /leaderboard ranks them', async () => {
    const shadows = (await sql.query<{ strategy: string; profile: string; traded: boolean; first_day: string; as_of: string; total_return: number; equity: number; trades: number }>(
      'select strategy, profile, traded, first_day::text, as_of::text, total_return, equity, trades from shadow_portfolios order by strategy, profile')).rows;
    // Every strategy that picked, for both profiles; the traded set is the baseline's conservative one.
    expect(shadows.filter((r) => r.traded).map((r) => `${r.strategy}/${r.profile}`)).toEqual(['baseline/conservative']);
    expect(shadows.map((r) => r.strategy)).toEqual(expect.arrayContaining(['baseline', 'momentum-trend', 'ma-crossover']));
    // Every combination that picked (the rules and the baseline, both profiles: no model is trained here).
    expect(shadows.length).toBeGreaterThanOrEqual(8);
    for (const row of shadows) {
      const { strategy, profile } = row;
      // From the strategy's first picks day (a rule may have had no qualifier on the first day).
      const first = (await sql.query<{ d: string }>('select min(day)::text as d from picks where strategy = $1 and profile = $2', [strategy, profile])).rows[0]!.d;
      expect(row.first_day).toBe(first);
      if (strategy === 'baseline') expect(first).toBe('2017-01-03');
      const out = mkdtempSync(path.join(tmpdir(), 'tiller-shadow-'));
      try {
        const bt = startTiller(['backtest', '--from', row.first_day, '--to', row.as_of, '--strategy', strategy, '--profile', profile, '--out', out], env);
        expect(await bt.exited, bt.stderr()).toBe(0);
        const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as { metrics: { totalReturn: number; trades: number } };
        const equity = readFileSync(path.join(out, 'equity.csv'), 'utf8').trim().split('\n').at(-1)!.split(',');
        expect([strategy, profile, row.total_return, row.trades, row.equity]).toEqual([strategy, profile, report.metrics.totalReturn, report.metrics.trades, Number(equity[1])]);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }
    const board = await tg.ask(VIEWER, VIEWER.id, '/leaderboard');
    expect(board.text).toContain('<b>Leaderboard</b>');
    expect(board.text).toContain('<code>baseline conservative</code> (traded)');
    expect(board.text.split('\n').filter((l) => /^\d+\. /.test(l))).toHaveLength(shadows.length);
  }, 360_000);
});
