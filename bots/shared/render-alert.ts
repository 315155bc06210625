/** Renders an alert (BotEvent) as text with a transport's markup. */
import type { BotEvent } from '../../src/domain/types.js';
import { price, signedMoney, money, type Markup } from './markup.js';

export function renderAlert(ev: BotEvent, m: Markup, currency: string): string {
  const e = m.escape;
  switch (ev.type) {
    case 'trade_opened':
      return `🟢 ${m.bold('Opened')} ${m.code(ev.symbol)}: bought ${ev.qty} @ ${price(ev.price)}, stop ${price(ev.stopLoss)}, target ${price(ev.target)} (${ev.day})`;
    case 'trade_closed':
      return `${ev.pnl >= 0 ? '✅' : '🔻'} ${m.bold('Closed')} ${m.code(ev.symbol)} (${ev.reason}): sold ${ev.qty} @ ${price(ev.exitPrice)}, entry ${price(ev.entryPrice)}, P&L ${signedMoney(ev.pnl, currency)} (${ev.day})`;
    case 'breaker_tripped':
      return `🛑 ${m.bold('Circuit breaker')} ${ev.breaker} tripped on ${ev.day}: ${(ev.value * 100).toFixed(2)} % ≥ limit ${(ev.limit * 100).toFixed(2)} %`;
    case 'state_changed':
      return `⚙️ Trading ${m.bold(ev.to)} (was ${ev.from}) by ${e(ev.by)}: ${e(ev.reason)}`;
    case 'job_failed':
      return `❗ ${m.bold('Job failed')}: ${e(ev.job)}: ${e(ev.error)}`;
    case 'daily_report':
      return [
        `📊 ${m.bold('Daily report')} ${ev.day}`,
        `Equity ${money(ev.equity, currency)}, cash ${money(ev.cash, currency)}`,
        `Day P&L ${signedMoney(ev.dayPnl, currency)}, realized ${signedMoney(ev.realizedPnl, currency)} from ${ev.tradesClosed} closed trade(s)`,
        `Open positions: ${ev.openPositions}`,
      ].join('\n');
  }
}
