import { roundMoney } from '../domain/money.js';
import { MarketCalendar } from '../market/calendar.js';
import { tradingDayOf } from '../market/market-time.js';
import { reportDay } from './report-day.js';
import { resolveStrategy, type TradedStrategy } from '../picks/strategy.js';
import type { CommandServices } from './command-services.js';
import type { CommandDefinition, StatusResult } from './command.types.js';

export function statusCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'status', description: 'Trading state, equity, cash, today\'s P&L and data freshness', usage: '/status', minRole: 'viewer', dangerous: false, shared: true,
    async run() {
      const asOf = await reportDay(s);
      const tradingDay = asOf.day;
      const [state, v, picksDay, runs, breakers, strategy, lastBar] = await Promise.all([
        s.state.get(), s.portfolio.value(asOf.at), s.repos.picks.latestDay(), s.repos.pipeline.lastRuns(1), s.repos.state.trippedBreakers(), strategyOf(s),
        s.repos.candles.lastDay(),
      ]);
      const expected = new MarketCalendar(s.config.market).previousTradingDay(tradingDayOf(s.clock.now(), s.config.market.timezone));
      const prev = (await s.repos.trading.snapshotBefore(tradingDay))?.equity ?? s.config.trading.startingCash;
      const run = runs[0];
      return {
        kind: 'status', state, tradingDay, equity: v.equity, cash: v.cash, exposure: v.exposure,
        dayPnl: roundMoney(v.equity - prev), openPositions: v.positions.length, picksDay,
        lastPipeline: run ? { asOf: run.asOf, status: run.status } : null,
        mode: s.config.trading.mode, broker: s.config.trading.broker, breakers, currency: s.config.market.currency,
        strategy, data: { lastBar, expected, stale: lastBar === null || lastBar < expected },
      };
    },
  };
}

/** The traded strategy as /status shows it; a strategy that cannot resolve (a chosen model never trained)
 * is shown with the reason instead of failing the whole status. */
async function strategyOf(s: CommandServices): Promise<StatusResult['strategy']> {
  const t: TradedStrategy | Error = await resolveStrategy(s.config, s.repos.models).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  if (t instanceof Error) return { name: s.config.trading.strategy, configured: s.config.trading.strategy, gate: 'failed', reason: t.message, evaluatedAt: null };
  return { name: t.name, configured: t.configured, gate: t.gate, reason: t.reason, evaluatedAt: t.evaluatedAt };
}
