/** The backtest driver: the live daily loop's rules over an in-memory market, one pass over the days, no I/O.
 *
 * Each trading day runs what the live jobs run, with the same pure rules:
 * - picks: `rankPicks` on the features of the last day before (the pick service's signal day), or the
 *   settings' `picker` (a model's top scores);
 * - at the open (the trade job's time): strong-sell exits (`strongSellSignal`), the breakers
 *   (`measureBreakers`, `softTripExpired`), then the trading profile's picks in rank order, each sized by
 *   `sizePosition` within the open-position and weekly limits, filled by `paperFill` at the open;
 * - after the close (the monitor's time): `exitOnBar` (stop, target, time) filled by `paperFill` on the final
 *   bar, `trailAfter`, the day's snapshot and the breakers against the closing equity;
 * - books by `entryEffect` / `exitEffect`, money by the same decimal rounding.
 * A hard breaker halts and closes every position at market; with no operator to resume, a backtest stays
 * halted (and drawdown trips, which only an operator clears, stay paused) to its end. Everything the run did
 * is returned for the report. */
import type { AppConfig } from '../config.js';
import { notional, roundMoney } from '../domain/money.js';
import type {
  BreakerName, BreakerStage, ClosedTrade, Fill, Order, OrderReason, OrderType, Pick, Position, RiskProfile, TradingDay,
} from '../domain/types.js';
import { FEATURE_COUNT, FEATURE_INDEX, type IndicatorRow } from '../market/indicators.js';
import type { MarketCalendar } from '../market/calendar.js';
import { instantAt } from '../market/market-time.js';
import { rankPicks, strongSellSignal } from '../picks/momentum.strategy.js';
import { measureBreakers, severity, softTripExpired, stageOf, type BreakerReading } from '../trading/breakers/circuit-breakers.js';
import { exitOnBar, initialLevels, trailAfter } from '../trading/exits.js';
import { entryEffect, exitEffect } from '../trading/fill-booking.js';
import { clientOrderId } from '../trading/order-executor.js';
import { paperFill } from '../trading/paper-fill.js';
import { drawdownFromPeak } from '../trading/performance.js';
import type { RiskLimits } from '../trading/risk-limits.js';
import { sizePosition } from '../trading/sizing.js';
import { weekStart } from '../trading/trade-cycle.js';
import { MatrixRows, type MarketMatrix } from './market-matrix.js';

/** What a backtest trades and by which rules (the live config's parts). */
export interface BacktestSettings {
  from: TradingDay;
  to: TradingDay;
  /** The profile whose picks are traded. */
  profile: RiskProfile;
  trading: AppConfig['trading'];
  profiles: AppConfig['picks']['profiles'];
  limits: RiskLimits;
  market: { timezone: string };
  /** Local times of the trade and monitor jobs (the schedule). */
  tradeTime: string;
  monitorTime: string;
  calendar: MarketCalendar;
  /** Market volatility known before `day` (the breaker's gauge); default: the median ATR% of the universe on
   * the last day before it, as the live gauge reads it. */
  volatilityBefore?: (day: TradingDay) => { value: number; asOf: TradingDay } | null;
  volatilityLabel?: string;
  onDay?: (day: TradingDay, index: number, total: number) => void;
  /** The picks bought at `day`'s open from the signal day `signal` (an index of the matrix's days); default:
   * the live rule (`rankPicks`) for the profile. */
  picker?: (day: TradingDay, signal: number, rows: IndicatorRow[]) => Pick[];
}

/** An order as the backtest placed it, with its outcome. */
export interface BacktestOrder {
  clientOrderId: string;
  day: TradingDay;
  symbol: string;
  side: 'buy' | 'sell';
  type: OrderType;
  qty: number;
  reason: OrderReason;
  status: 'filled' | 'partially_filled' | 'rejected' | 'cancelled';
  note: string | null;
}

/** End of day: the account and the day's picks. */
export interface BacktestDay {
  day: TradingDay;
  cash: number;
  equity: number;
  exposure: number;
  drawdown: number;
  positions: number;
  state: 'RUNNING' | 'PAUSED' | 'HALTED';
}

/** The signals of a day: the picks made from `signalDay`'s close, bought at `day`'s open. */
export interface BacktestSignal {
  day: TradingDay;
  signalDay: TradingDay;
  picks: Pick[];
}

/** Everything one backtest did, for the metrics and the report files. */
export interface BacktestRun {
  days: BacktestDay[];
  orders: BacktestOrder[];
  fills: Fill[];
  trades: ClosedTrade[];
  signals: BacktestSignal[];
  trips: Array<{ day: TradingDay; name: BreakerName; stage: BreakerStage; value: number; limit: number }>;
  openPositions: Position[];
  startingCash: number;
}

interface Clearance {
  at: Date;
  day: TradingDay;
  by: string;
  equity: number;
}

/** Run the daily loop over the trading days of `m` within [from, to]. */
export function runBacktest(m: MarketMatrix, s: BacktestSettings): BacktestRun {
  const S = m.symbols.length;
  const F = FEATURE_COUNT;
  const t = s.trading;
  const symIndex = new Map(m.symbols.map((x, i) => [x, i]));
  const sectorOf = new Map([...m.instruments.values()].map((i) => [i.symbol, i.sector ?? 'unknown']));
  const atrPct = FEATURE_INDEX.atrPct;
  const paper = t.broker === 'paper';

  let cash = t.startingCash;
  const positions = new Map<string, Position>();
  const run: BacktestRun = { days: [], orders: [], fills: [], trades: [], signals: [], trips: [], openPositions: [], startingCash: t.startingCash };
  let state: { status: 'RUNNING' | 'PAUSED' | 'HALTED'; byBreaker: boolean } = { status: 'RUNNING', byBreaker: false };
  /** The highest end-of-day equity so far (the snapshots' drawdown is measured from it). */
  let peakEquity = -Infinity;
  const tripped = new Map<BreakerName, { stage: BreakerStage; day: TradingDay }>();
  const clearances = new Map<BreakerName, Clearance>();
  let lastEntryAt: Date | null = null;
  const entriesByWeek = new Map<TradingDay, number>();

  const dayIdx = new Map(m.days.map((d, i) => [d, i]));
  const views = new MatrixRows(m);
  const tradingDays = m.days.filter((d) => d >= s.from && d <= s.to && s.calendar.isTradingDay(d));
  const calDays = s.calendar.tradingDays(m.days[0] ?? s.from, s.to);
  const calIdx = new Map(calDays.map((d, i) => [d, i]));

  const volatilityOn = s.volatilityBefore ?? ((day: TradingDay) => {
    const d = (dayIdx.get(day) ?? 0) - 1;
    if (d < 0) return null;
    const values: number[] = [];
    for (let k = 0; k < S; k++) {
      const v = m.features[(d * S + k) * F + atrPct]!;
      if (Number.isFinite(v) && !Number.isNaN(m.close[d * S + k]!)) values.push(v);
    }
    if (values.length === 0) return null;
    values.sort((a, b) => a - b);
    const mid = values.length >> 1;
    return { value: values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2, asOf: m.days[d]! };
  });
  // The breakers read the volatility several times a day (before each entry): computed once per day.
  let volatilityMemo: { day: TradingDay; reading: ReturnType<typeof volatilityOn> } | null = null;
  const volatilityBefore = (day: TradingDay) => {
    if (volatilityMemo?.day !== day) volatilityMemo = { day, reading: volatilityOn(day) };
    return volatilityMemo.reading;
  };

  /** The price at an instant of `day`: the open during the session, the close after it; else the last close. */
  const priceAt = (symbol: string, d: number, afterClose: boolean): { price: number; day: TradingDay } | null => {
    const k = symIndex.get(symbol);
    if (k === undefined) return null;
    const at = d * S + k;
    if (!Number.isNaN(m.close[at]!)) return { price: afterClose ? m.close[at]! : m.open[at]!, day: m.days[d]! };
    for (let j = d - 1; j >= 0; j--) if (!Number.isNaN(m.close[j * S + k]!)) return { price: m.close[j * S + k]!, day: m.days[j]! };
    return null;
  };
  const barOn = (symbol: string, d: number) => {
    const k = symIndex.get(symbol);
    if (k === undefined) return null;
    const at = d * S + k;
    if (Number.isNaN(m.close[at]!)) return null;
    return { symbol, day: m.days[d]!, open: m.open[at]!, high: m.high[at]!, low: m.low[at]!, close: m.close[at]!, volume: m.volume[at]! };
  };
  const value = (d: number, afterClose: boolean) => {
    const valued = [...positions.values()].sort((a, b) => a.symbol.localeCompare(b.symbol)).map((p) => {
      const price = priceAt(p.symbol, d, afterClose)?.price ?? p.avgPrice;
      return { ...p, price, value: notional(price, p.qty) };
    });
    const exposure = roundMoney(valued.reduce((x, p) => x + p.value, 0));
    return { cash: roundMoney(cash), equity: roundMoney(cash + exposure), exposure, positions: valued };
  };

  const place = (o: Omit<Order, 'clientOrderId' | 'status' | 'createdAt'>, d: number, at: Date, afterClose: boolean, opened?: TradingDay, pick?: Pick | null) => {
    const id = clientOrderId(o.reason, o.symbol, o.day, opened);
    const order: Order = { ...o, clientOrderId: id, status: 'new', createdAt: at };
    let result;
    if (o.type === 'market') {
      const q = priceAt(o.symbol, d, afterClose);
      result = q ? paperFill(order, { price: q.price }, t.paper, cash, at) : { status: 'rejected' as const, reason: `no price for ${o.symbol}` };
    } else {
      const bar = barOn(o.symbol, d);
      result = bar ? paperFill(order, { bar }, t.paper, cash, at) : { status: 'cancelled' as const, reason: `no ${o.symbol} bar on ${o.day}; day order expired` };
    }
    const rec: BacktestOrder = {
      clientOrderId: id, day: o.day, symbol: o.symbol, side: o.side, type: o.type, qty: o.qty, reason: o.reason,
      status: result.status === 'submitted' ? 'cancelled' : result.status, note: 'reason' in result ? result.reason : null,
    };
    run.orders.push(rec);
    if (result.status !== 'filled' && result.status !== 'partially_filled') return null;
    const fill = result.fill;
    run.fills.push(fill);
    if (o.side === 'buy') {
      const e = entryEffect(fill, pick ?? null, o.day, o.pickProfile, t.exits);
      cash += e.cashDelta;
      positions.set(o.symbol, e.position!);
      lastEntryAt = at;
      return { fill, trade: null, partial: result.status === 'partially_filled' };
    }
    const pos = positions.get(o.symbol)!;
    const e = exitEffect(fill, pos, o.reason, o.day);
    cash += e.cashDelta;
    if (e.position) positions.set(o.symbol, e.position);
    else positions.delete(o.symbol);
    run.trades.push(e.closedTrade!);
    return { fill, trade: e.closedTrade, partial: result.status === 'partially_filled' };
  };

  const exit = (pos: Position, reason: OrderReason, d: number, type: OrderType, price: number | null, at: Date, afterClose: boolean) =>
    place({
      day: m.days[d]!, symbol: pos.symbol, side: 'sell', type, qty: pos.qty, limitPrice: type === 'limit' ? price : null,
      stopPrice: type === 'stop' ? price : null, reason, pickProfile: pos.profile,
    }, d, at, afterClose, pos.openedDay);

  // Running aggregates of the append-only day records and trades, so a reading (taken before every entry)
  // costs the records added since the last one, not all of them: the highest snapshot since the drawdown
  // breaker was last cleared, and the P&L of the trades closed since the loss streak was last cleared.
  const peakSince = { from: null as TradingDay | null, scanned: 0, peak: 0 };
  const pnlsSince = { from: null as number | null, scanned: 0, pnls: [] as number[] };
  const readings = (day: TradingDay, equityNow: number, at: Date): BreakerReading[] => {
    const cd = clearances.get('daily_loss');
    const cm = clearances.get('max_drawdown');
    const cl = clearances.get('consecutive_losses');
    const cv = clearances.get('volatility');
    // The end-of-day records are the snapshots the live breakers read (days are appended in order).
    const last = run.days.at(-1);
    const before = last && last.day < day ? last : run.days.at(-2);
    if (peakSince.from !== (cm?.day ?? null)) Object.assign(peakSince, { from: cm?.day ?? null, scanned: 0, peak: 0 });
    for (; peakSince.scanned < run.days.length; peakSince.scanned++) {
      const x = run.days[peakSince.scanned]!;
      if (!cm || x.day >= cm.day) peakSince.peak = Math.max(peakSince.peak, x.equity);
    }
    if (pnlsSince.from !== (cl?.at.getTime() ?? null)) Object.assign(pnlsSince, { from: cl?.at.getTime() ?? null, scanned: 0, pnls: [] });
    for (; pnlsSince.scanned < run.trades.length; pnlsSince.scanned++) {
      const x = run.trades[pnlsSince.scanned]!;
      if (!cl || x.closedAt > cl.at) pnlsSince.pnls.push(x.pnl);
    }
    return measureBreakers({
      equityNow,
      dayStartEquity: cd && cd.day === day ? cd.equity : before?.equity ?? t.startingCash,
      peakEquity: Math.max(cm ? cm.equity : t.startingCash, peakSince.peak, equityNow),
      closedPnls: pnlsSince.pnls,
      minutesSinceEntry: lastEntryAt ? (at.getTime() - lastEntryAt.getTime()) / 60_000 : null,
      volatility: volatilityBefore(day),
      volatilityLabel: s.volatilityLabel ?? 'median ATR% of the universe',
      volatilityClearedToday: Boolean(cv && cv.day === day && cv.by !== 'system'),
      tripped: (n) => tripped.get(n)?.stage ?? null,
    }, s.limits.breakers);
  };

  const clearExpired = (day: TradingDay, equityNow: number, at: Date) => {
    if (tripped.size === 0) return;
    const r = readings(day, equityNow, at);
    const cleared: BreakerName[] = [];
    const all = tripped.size;
    for (const [name, trip] of [...tripped]) {
      if (trip.stage !== 'soft' || !softTripExpired({ name, day: trip.day }, r.find((x) => x.name === name)!, day)) continue;
      clearances.set(name, { at, day, by: 'system', equity: equityNow });
      tripped.delete(name);
      cleared.push(name);
    }
    if (cleared.length > 0 && cleared.length === all && state.status === 'PAUSED' && state.byBreaker) state = { status: 'RUNNING', byBreaker: false };
  };

  const tripCrossed = (d: number, equityNow: number, at: Date, afterClose: boolean) => {
    const day = m.days[d]!;
    let n = 0;
    for (const r of readings(day, equityNow, at)) {
      const stage = stageOf(r);
      if (!stage || severity(stage) <= severity(r.tripped)) continue;
      tripped.set(r.name, { stage, day });
      run.trips.push({ day, name: r.name, stage, value: r.value!, limit: (stage === 'hard' ? r.hard : r.soft)! });
      n++;
      if (stage === 'hard' && state.status !== 'HALTED') {
        state = { status: 'HALTED', byBreaker: true };
        if (t.closePositionsOnHalt) {
          for (const pos of [...positions.values()].sort((a, b) => a.symbol.localeCompare(b.symbol))) exit(pos, 'halt', d, 'market', null, at, afterClose);
        }
      } else if (stage === 'soft' && state.status === 'RUNNING') {
        state = { status: 'PAUSED', byBreaker: true };
      }
    }
    return n;
  };

  for (const [i, day] of tradingDays.entries()) {
    const d = dayIdx.get(day)!;
    const signal = d - 1;
    // --- picks, from the last day with data before this one ---
    const rows = signal >= 0 ? views.on(signal) : [];
    const picks = signal < 0 ? [] : s.picker ? s.picker(day, signal, rows) : rankPicks(day, s.profile, rows, m.instruments, s.profiles[s.profile]);
    if (signal >= 0) run.signals.push({ day, signalDay: m.days[signal]!, picks });

    // --- the trade cycle at the open ---
    const open = instantAt(day, s.tradeTime, s.market.timezone);
    if (t.exits.sellSignal && positions.size > 0 && signal >= 0) {
      for (const pos of [...positions.values()].sort((a, b) => a.symbol.localeCompare(b.symbol))) {
        if (pos.openedDay >= day) continue;
        const row = rows.find((r) => r.symbol === pos.symbol);
        if (row && strongSellSignal(row)) exit(pos, 'sell_signal', d, 'market', null, open, false);
      }
    }
    const v0 = value(d, false);
    clearExpired(day, v0.equity, open);
    tripCrossed(d, v0.equity, open, false);
    if (state.status === 'RUNNING' && picks.length > 0) {
      const week = weekStart(day);
      let entriesThisWeek = entriesByWeek.get(week) ?? 0;
      for (const pick of picks) {
        const v = value(d, false);
        if (positions.has(pick.symbol)) continue;
        if (v.positions.length >= s.limits.maxOpenPositions) break;
        if (entriesThisWeek >= s.limits.caps.maxEntriesPerWeek) break;
        clearExpired(day, v.equity, open);
        if (tripCrossed(d, v.equity, open, false) > 0 || state.status !== 'RUNNING') break;
        const quote = priceAt(pick.symbol, d, false);
        if (!quote || quote.day !== day) continue;
        const levels = initialLevels(quote.price, pick, t.exits);
        const sector = sectorOf.get(pick.symbol) ?? 'unknown';
        const size = sizePosition({
          limits: s.limits, equity: v.equity, cash: v.cash * (paper ? t.paper.buyingPowerMultiplier : 1), price: quote.price,
          stopDistance: quote.price - levels.stopLoss, exposure: v.exposure,
          sectorExposure: v.positions.filter((p) => (sectorOf.get(p.symbol) ?? 'unknown') === sector).reduce((x, p) => x + p.value, 0),
          history: run.trades, costBps: t.paper.slippageBps + t.paper.feeBps, feePerOrder: t.paper.feePerOrder, quantityStep: t.quantityStep,
        });
        if (size.qty <= 0) continue;
        const done = place({
          day, symbol: pick.symbol, side: 'buy', type: 'market', qty: size.qty, limitPrice: null, stopPrice: null, reason: 'entry', pickProfile: pick.profile,
        }, d, open, false, undefined, pick);
        if (done) {
          entriesThisWeek++;
          entriesByWeek.set(week, (entriesByWeek.get(week) ?? 0) + 1);
        }
      }
    }

    // --- the position monitor after the close ---
    const close = instantAt(day, s.monitorTime, s.market.timezone);
    for (const pos of [...positions.values()].sort((a, b) => a.symbol.localeCompare(b.symbol))) {
      const bar = barOn(pos.symbol, d);
      if (!bar || pos.openedDay > day) continue;
      const daysHeld = (calIdx.get(day) ?? 0) - (calIdx.get(pos.openedDay) ?? 0);
      const rules = t.exits;
      const trailing = rules.trailingPct > 0 && pos.highWater >= pos.avgPrice * (1 + rules.trailingActivationPct) && pos.openedDay < day;
      const decision = exitOnBar(pos, bar, daysHeld, trailing, rules);
      if (decision) {
        const done = exit(pos, decision.reason, d, decision.type, decision.price, close, true);
        if (done?.trade && done.trade.qty >= pos.qty) continue;
      }
      const current = positions.get(pos.symbol);
      if (!current) continue;
      const tr = trailAfter(current, bar, rules);
      if (tr.highWater !== current.highWater || tr.stopLoss !== current.stopLoss) positions.set(current.symbol, { ...current, stopLoss: tr.stopLoss, highWater: tr.highWater });
    }
    const v = value(d, true);
    peakEquity = Math.max(peakEquity, v.equity);
    const drawdown = Math.round(drawdownFromPeak(v.equity, peakEquity) * 10_000) / 10_000;
    // The day's snapshot is the closing valuation; a hard trip after it closes positions on top, as live.
    run.days.push({ day, cash: v.cash, equity: v.equity, exposure: v.exposure, drawdown, positions: v.positions.length, state: state.status });
    tripCrossed(d, v.equity, close, true);
    s.onDay?.(day, i + 1, tradingDays.length);
  }
  run.openPositions = [...positions.values()];
  return run;
}
