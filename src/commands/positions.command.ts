import { reportDay } from './report-day.js';
import type { CommandServices } from './command-services.js';
import type { CommandDefinition } from './command.types.js';

export function positionsCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'positions', description: 'Open positions with price, value, P&L, stop and target', usage: '/positions', minRole: 'viewer', dangerous: false, shared: true,
    async run() {
      const v = await s.portfolio.value((await reportDay(s)).at);
      return { kind: 'positions', positions: v.positions, equity: v.equity, cash: v.cash, currency: s.config.market.currency };
    },
  };
}
