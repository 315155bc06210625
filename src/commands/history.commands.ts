/** /orders, /trades and /performance: what was placed, what closed, and how it went. */
import { reportDay } from './report-day.js';
import { tradingDaysPerYear } from '../market/calendar.js';
import { UserError } from '../domain/errors.js';
import { addDays } from '../market/market-time.js';
import { groupStats, periodPerformance } from '../trading/performance.js';
import { weekStart } from '../trading/trade-cycle.js';
import type { CommandServices } from './command-services.js';
import type { CommandDefinition, PerformanceResult } from './command.types.js';

/** An optional count argument: a whole number in [1, max], else the default. */
function countArg(args: string[], def: number, max: number, usage: string): number {
  if (args.length === 0) return def;
  const n = Number(args[0]);
  if (args.length > 1 || !Number.isInteger(n) || n < 1 || n > max) throw new UserError(`usage: ${usage} (N a whole number 1..${max})`);
  return n;
}

export function ordersCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'orders', description: 'The latest orders with their status', usage: '/orders [N]', minRole: 'viewer', dangerous: false, shared: true,
    options: [{ name: 'n', description: 'How many (default 15)', type: 'integer', required: false }],
    async run({ args }) {
      return { kind: 'orders', orders: await s.repos.trading.recentOrders(countArg(args, 15, 100, '/orders [N]')) };
    },
  };
}

export function tradesCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'trades', description: 'The latest closed trades with their P&L, exit reason and pick', usage: '/trades [N]', minRole: 'viewer', dangerous: false, shared: true,
    options: [{ name: 'n', description: 'How many (default 15)', type: 'integer', required: false }],
    async run({ args }) {
      const n = countArg(args, 15, 100, '/trades [N]');
      const all = await s.repos.trading.tradesClosedAfter(null);
      return { kind: 'trades', trades: all.slice(-n).reverse(), currency: s.config.market.currency };
    },
  };
}

export function performanceCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'performance', description: 'P&L, win rate, profit factor, Sharpe and max drawdown for the day, week and month; the best shadow portfolios',
    usage: '/performance', minRole: 'viewer', dangerous: false, shared: true,
    async run(): Promise<PerformanceResult> {
      const asOf = await reportDay(s);
      const today = asOf.day;
      const equityNow = (await s.portfolio.value(asOf.at)).equity;
      const perYear = tradingDaysPerYear(s.config.market.kind);
      const starts = { day: today, week: weekStart(today), month: `${today.slice(0, 8)}01` } as const;
      const periods: PerformanceResult['periods'] = [];
      for (const label of ['day', 'week', 'month'] as const) {
        const from = starts[label];
        const [before, snaps, trades] = await Promise.all([
          s.repos.trading.snapshotBefore(from), s.repos.trading.snapshots(from, today), s.repos.trading.closedTrades(from, today),
        ]);
        periods.push({ label, ...periodPerformance(from, today, before, snaps, trades, s.config.trading.startingCash, equityNow, perYear) });
      }
      const monthTrades = await s.repos.trading.closedTrades(starts.month, addDays(today, 0));
      return {
        kind: 'performance', periods, currency: s.config.market.currency, shadows: await s.repos.shadows.list(),
        byProfile: groupStats(monthTrades, (t) => t.profile), byModel: groupStats(monthTrades, (t) => t.model),
      };
    },
  };
}
