/** Screening and pick details on real PostgreSQL with 22 real S&P 500 symbols, against figures computed by
 * hand from ../shared/data: AMZN (P/E 296.16 in constituents.csv) is outside a 0–100 P/E band; GE (close
 * 27.72 on 2017-06-01), PFE (32.71) and KO (45.79) are under a 50 USD minimum price. The excluded symbols keep
 * their reasons for /why; every strategy picks among the rest, and the backtester screens the same way (its
 * picks for the day equal the live ones). Each pick carries its risk score, recommendation, sector and
 * snapshot, and a rerun replaces it all byte for byte. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderResult } from '../../bots/shared/render-result.js';
import { plainMarkup } from '../../bots/shared/markup.js';
import type { AppConfig } from '../../src/config.js';
import type { App } from '../../src/main.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { SP500_DIR } from '../helpers/tiller-process.js';
import { UNIVERSE } from '../helpers/shared-work.js';

const viewer = { transport: 'telegram', userId: '3', chatId: '-10' };
const TRADE_DAY = '2017-06-02';
const SIGNAL_DAY = '2017-06-01';

/** The close of a symbol on a day, read from the CSV file itself. */
function closeOn(symbol: string, day: string): number {
  const line = readFileSync(path.join(SP500_DIR, 'daily', `${symbol}.csv`), 'utf8').split('\n').find((l) => l.startsWith(`${day},`))!;
  return Number(line.split(',')[4]);
}

describe('screening and pick details', () => {
  let t: TestApp;
  let app: App;
  let config: AppConfig;

  beforeAll(async () => {
    t = await openTestApp({
      env: { TILLER_VAR_DIR: `/tmp/tiller-screen-${process.pid}`, TELEGRAM_BOT_TOKEN: '1:x', TELEGRAM_VIEWERS: '3' },
      configure: (base) => ({
        ...base, marketData: { ...base.marketData, universe: UNIVERSE, historyDays: 1100 },
        picks: { ...base.picks, screening: { ...base.picks.screening, minPrice: 50, peMin: 0, peMax: 100 } },
      }),
      clock: new ManualClock(new Date(`${TRADE_DAY}T12:00:00Z`)),
    });
    ({ app, config } = t);
    await app.handlers.pipeline(TRADE_DAY, 'test');
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('leaves out what fails either stage with its reason, picks among the rest, and /why says which', async () => {
    const run = await app.handlers.picks(TRADE_DAY, 'test') as { screened: { symbols: number; tradeability: number; fundamentals: number } };
    const under50 = UNIVERSE.filter((s) => closeOn(s, SIGNAL_DAY) < 50);
    expect(under50).toEqual(expect.arrayContaining(['GE', 'KO', 'PFE']));
    expect(run.screened).toEqual({ symbols: UNIVERSE.length, tradeability: under50.length, fundamentals: 1 });

    const why = async (s: string) => renderResult(await app.core.handle(viewer, 'why', [s]), plainMarkup);
    expect(await why('amzn')).toBe(`AMZN was left out of the picks of ${TRADE_DAY} at fundamentals screening: P/E 296.16 (as of ${SIGNAL_DAY}) is above the band 0.00–100.00 (picks.screening.peMax).`);
    expect(await why('GE')).toBe(`GE was left out of the picks of ${TRADE_DAY} at tradeability screening: close 27.72 USD is below the minimum price 50.00 USD (picks.screening.minPrice).`);
    expect(await why('PFE')).toContain('close 32.71 USD is below the minimum price 50.00 USD');
    expect(await why('ZZZZ')).toBe('⚠️ ZZZZ is not in the stored universe.');
    expect(await why('')).toBe('⚠️ Usage: /why SYMBOL (e.g. /why AAPL)');

    const rows = (await app.db.pool.query('select strategy, profile, symbol, rank, score, risk_score, recommendation, sector, snapshot from picks where day = $1', [TRADE_DAY])).rows as Array<{
      strategy: string; profile: string; symbol: string; rank: number; score: number; risk_score: number; recommendation: string; sector: string; snapshot: Record<string, number | null>;
    }>;
    expect(rows.length).toBeGreaterThan(10);
    const excluded = new Set([...under50, 'AMZN']);
    expect(rows.filter((r) => excluded.has(r.symbol))).toEqual([]);
    // A picked symbol: /why lists every strategy and profile that picked it.
    const top = rows.find((r) => r.strategy === 'baseline' && r.profile === 'conservative' && r.rank === 1)!;
    const all = rows.filter((r) => r.symbol === top.symbol);
    const said = await why(top.symbol);
    expect(said.split('\n')).toHaveLength(1 + all.length);
    expect(said).toContain(`baseline conservative (traded): rank 1, score ${top.score.toFixed(3)}, risk ${top.risk_score.toFixed(2)}, ${top.recommendation}`);
    // One that passed but no strategy ranked.
    const unpicked = UNIVERSE.filter((s) => !excluded.has(s) && !rows.some((r) => r.symbol === s));
    if (unpicked.length > 0) expect(await why(unpicked[0]!)).toBe(`${unpicked[0]} passed screening on ${TRADE_DAY}, but no strategy ranked it in its top N.`);

    // Details: the sector from constituents.csv, the snapshot's close the CSV's, a risk score in [0, 1], and
    // the recommendation the configured thresholds give the score.
    const sectors = new Map(readFileSync(path.join(SP500_DIR, 'constituents.csv'), 'utf8').split('\n').slice(1).map((l) => [l.split(',')[0], l.split(',')[2]]));
    for (const r of rows) {
      expect(r.sector).toBe(sectors.get(r.symbol));
      expect(r.snapshot.close).toBe(closeOn(r.symbol, SIGNAL_DAY));
      expect(r.risk_score).toBeGreaterThanOrEqual(0);
      expect(r.risk_score).toBeLessThanOrEqual(1);
      const t = config.picks.recommendation;
      expect(r.recommendation).toBe(r.score >= t.strongBuy ? 'strong buy' : r.score >= t.buy ? 'buy' : r.score >= t.hold ? 'hold' : r.score >= t.sell ? 'sell' : 'strong sell');
    }
    const pes = new Map(readFileSync(path.join(SP500_DIR, 'constituents.csv'), 'utf8').split('\n').slice(1).map((l) => [l.split(',')[0], Number(l.split(',')[4])]));
    for (const r of rows) expect(r.snapshot.pe).toBe(pes.get(r.symbol));
  });

  it('a rerun replaces picks and exclusions byte for byte, and the backtester screens as the live picks do', async () => {
    const dump = async () => (await app.db.pool.query(`
      select 'p' as t, day::text, profile || strategy || symbol || rank || score || coalesce(risk_score::text, '') || coalesce(recommendation, '') || coalesce(sector, '') || coalesce(snapshot::text, '') || rationale as v from picks
      union all select 's', day::text, symbol || stage || rule || reason from screening order by 1, 2, 3`)).rows;
    await app.handlers.picks(TRADE_DAY, 'test');
    const first = await dump();
    expect(first.filter((r) => r.t === 's')).toHaveLength(UNIVERSE.filter((s) => closeOn(s, SIGNAL_DAY) < 50).length + 1);
    await app.handlers.picks(TRADE_DAY, 'test');
    expect(await dump()).toEqual(first);

    // The backtest trades TRADE_DAY's open: the pipeline stores its bar first (the picks above are unchanged).
    await app.handlers.pipeline('2017-06-05', 'test');
    const m = await app.backtest.load();
    for (const strategy of ['baseline', 'momentum-trend', 'ma-crossover'] as const) {
      for (const profile of ['conservative', 'aggressive'] as const) {
        const live = (await app.repos.picks.query(TRADE_DAY, { profile, strategy })).map((p) => p.symbol);
        const bt = app.backtest.run(m, { from: TRADE_DAY, to: TRADE_DAY, strategy, profile }, (await app.limits.current()).limits);
        const day = bt.run.signals.find((x) => x.day === TRADE_DAY)!;
        expect(day.picks.map((p) => p.symbol), `${strategy} ${profile}`).toEqual(live);
      }
    }
  });
});
