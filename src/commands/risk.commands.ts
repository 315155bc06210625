/** /risk shows the limits in force and every breaker's current reading; /set_risk changes one limit
 * (admin, confirmed, validated, audited by the command core). */
import { UserError } from '../domain/errors.js';
import { tradingDayOf } from '../market/market-time.js';
import { parseRiskValue, RISK_KEYS, RiskLimitsService } from '../trading/risk-limits.js';
import { weekStart } from '../trading/trade-cycle.js';
import type { CommandServices } from './command-services.js';
import type { Actor, CommandDefinition } from './command.types.js';

export function actorName(a: Actor): string {
  return `${a.transport}:${a.userId}${a.displayName ? ` (${a.displayName})` : ''}`;
}

export function riskCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'risk', description: 'Risk limits in force and each circuit breaker\'s current reading', usage: '/risk', minRole: 'viewer', dangerous: false, shared: true,
    async run() {
      const now = s.clock.now();
      const day = tradingDayOf(now, s.config.market.timezone);
      const [{ limits, overrides }, v, state] = await Promise.all([s.limits.current(), s.portfolio.value(now), s.state.get()]);
      const readings = await s.breakers.readings(day, v.equity, limits);
      return {
        kind: 'risk', limits, readings, state, equity: v.equity, exposure: v.exposure, openPositions: v.positions.length,
        entriesThisWeek: await s.repos.trading.countEntries(weekStart(day), day),
        keys: Object.entries(RISK_KEYS).map(([key, spec]) => ({
          key, value: RiskLimitsService.valueOf(limits, key), help: spec.help, setBy: overrides.get(key)?.changedBy ?? null,
        })),
        currency: s.config.market.currency,
      };
    },
  };
}

function checkArgs(args: string[]): { key: string; raw: string } {
  if (args.length !== 2) throw new UserError(`usage: /set_risk KEY VALUE, e.g. /set_risk daily_loss_soft 2%; keys: ${Object.keys(RISK_KEYS).join(', ')}`);
  const key = args[0]!.toLowerCase();
  parseRiskValue(key, args[1]!);
  return { key, raw: args[1]! };
}

export function setRiskCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'set_risk', description: 'Change one risk limit (see /risk for the keys); stays until changed again', usage: '/set_risk KEY VALUE',
    minRole: 'admin', dangerous: true,
    options: [
      { name: 'key', description: 'The limit to change', type: 'string', required: true, choices: Object.keys(RISK_KEYS) },
      { name: 'value', description: 'New value: a number, a fraction like 0.03, or a percentage like 3%', type: 'string', required: true },
    ],
    validate: async (args) => {
      const { key, raw } = checkArgs(args);
      await s.limits.check(key, raw);
    },
    async run({ actor, args }) {
      const { key, raw } = checkArgs(args);
      const r = await s.limits.set(key, raw, actorName(actor));
      return { kind: 'risk_set', key, previous: r.previous, value: r.value };
    },
  };
}
