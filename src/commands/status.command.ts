import { roundMoney } from '../domain/money.js';
import { reportDay } from './report-day.js';
import { tradedRule } from '../training/traded-rule.js';
import type { CommandServices } from './command-services.js';
import type { CommandDefinition } from './command.types.js';

export function statusCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'status', description: 'Trading state, equity, cash, today\'s P&L and data freshness', usage: '/status', minRole: 'viewer', dangerous: false,
    async run() {
      const asOf = await reportDay(s);
      const tradingDay = asOf.day;
      const rule = tradedRule(s.config);
      const [state, v, picksDay, runs, breakers, evaluations] = await Promise.all([
        s.state.get(), s.portfolio.value(asOf.at), s.repos.picks.latestDay(), s.repos.pipeline.lastRuns(1), s.repos.state.trippedBreakers(), s.repos.models.list(rule.kind),
      ]);
      const latest = evaluations[0];
      const prev = (await s.repos.trading.snapshotBefore(tradingDay))?.equity ?? s.config.trading.startingCash;
      const run = runs[0];
      return {
        kind: 'status', state, tradingDay, equity: v.equity, cash: v.cash, exposure: v.exposure,
        dayPnl: roundMoney(v.equity - prev), openPositions: v.positions.length, picksDay,
        lastPipeline: run ? { asOf: run.asOf, status: run.status } : null,
        mode: s.config.trading.mode, broker: s.config.trading.broker, breakers, currency: s.config.market.currency,
        strategy: {
          name: rule.name, gate: !latest ? 'not evaluated' : latest.status === 'active' ? 'passed' : 'failed',
          reason: latest?.reason ?? null, evaluatedAt: latest?.createdAt ?? null,
        },
      };
    },
  };
}
