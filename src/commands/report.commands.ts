import { tradingDaysPerYear } from '../market/calendar.js';
import { reportDay } from './report-day.js';
import { periodReport, type ReportPeriod } from '../trading/period-report.js';
import type { CommandServices } from './command-services.js';
import type { CommandDefinition } from './command.types.js';

function reportCommand(s: CommandServices, name: string, period: ReportPeriod, description: string): CommandDefinition {
  return {
    name, description, usage: `/${name}`, minRole: 'viewer', dangerous: false,
    async run() {
      const asOf = await reportDay(s);
      const v = await s.portfolio.value(asOf.at);
      const report = await periodReport(period, asOf.day, {
        trading: s.repos.trading, startingCash: s.config.trading.startingCash, periodsPerYear: tradingDaysPerYear(s.config.market.kind),
        now: { equity: v.equity, cash: v.cash },
        benchmark: (from, to) => s.repos.candles.equalWeightReturns(from, to),
      });
      return { kind: 'report', report, currency: s.config.market.currency };
    },
  };
}

/** /daily: today's report with the equity and drawdown chart of the last 30 sessions. */
export function dailyCommand(s: CommandServices): CommandDefinition {
  return reportCommand(s, 'daily', 'day', 'Today\'s report with an equity and drawdown chart');
}

/** /weekly: this week's report with the chart of the last 130 sessions (about half a year). */
export function weeklyCommand(s: CommandServices): CommandDefinition {
  return reportCommand(s, 'weekly', 'week', 'This week\'s report with an equity and drawdown chart');
}
