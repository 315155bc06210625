/** Renders an alert (BotEvent) as text with a transport's markup. */
import type { BotEvent, BreakerName } from '../../src/domain/types.js';
import { price, signedMoney, money, type Markup } from './markup.js';

/** A breaker's value in its own unit: fractions as percentages, counts and minutes as numbers. */
export function breakerValue(name: BreakerName, v: number): string {
  if (name === 'daily_loss' || name === 'max_drawdown') return `${(v * 100).toFixed(2)} %`;
  if (name === 'cooldown') return `${v.toFixed(0)} min`;
  if (name === 'consecutive_losses') return `${v} losses`;
  return v.toFixed(4);
}

export function renderAlert(ev: BotEvent, m: Markup, currency: string): string {
  const e = m.escape;
  switch (ev.type) {
    case 'trade_opened':
      return `🟢 ${m.bold('Opened')} ${m.code(ev.symbol)}: bought ${ev.qty} at the fill price ${price(ev.price)}${ev.fee === undefined ? '' : `, fee ${money(ev.fee, currency)}, cost ${money(ev.qty * ev.price + ev.fee, currency)}`}; stop ${price(ev.stopLoss)}, target ${price(ev.target)} (${ev.day})`;
    case 'trade_closed':
      return `${ev.pnl >= 0 ? '✅' : '🔻'} ${m.bold('Closed')} ${m.code(ev.symbol)} (${ev.reason}): sold ${ev.qty} at the fill price ${price(ev.exitPrice)}; cost per share ${price(ev.entryPrice)} with the entry fee; P&L after fees ${signedMoney(ev.pnl, currency)} (${ev.day})`;
    case 'breaker_tripped':
      return `🛑 ${m.bold('Circuit breaker')} ${ev.breaker} tripped (${ev.stage}: trading ${ev.stage === 'hard' ? 'HALTED' : 'PAUSED'}) on ${ev.day}: ${breakerValue(ev.breaker, ev.value)} against the limit ${breakerValue(ev.breaker, ev.limit)}`;
    case 'order_rejected':
      return `⚠️ ${m.bold('Order rejected')}: ${ev.side} ${ev.qty} ${m.code(ev.symbol)} (${ev.reason}, ${ev.day}): ${e(ev.why)}`;
    case 'reconciliation':
      return [`🔎 ${m.bold('Reconciliation with the broker')}: ${e(ev.action)}`, ...ev.differences.map((d) => `• ${e(d)}`)].join('\n');
    case 'state_changed':
      return `⚙️ Trading ${m.bold(ev.to)} (was ${ev.from}) by ${e(ev.by)}: ${e(ev.reason)}`;
    case 'job_failed':
      return `❗ ${m.bold('Job failed')}: ${e(ev.job)}: ${e(ev.error)}`;
    case 'pipeline_partial':
      return [
        `⚠️ ${m.bold('Pipeline partial')} for ${ev.day}: ${ev.failed} of ${ev.symbols} symbol(s) not stored; the others were. See /pipeline.`,
        ...ev.examples.map((x) => `• ${e(x)}`),
      ].join('\n');
    case 'service_status':
      return ev.up
        ? `🔺 ${m.bold(`${e(ev.service)} is back`)} (${e(ev.detail)}): the shared cache and event bus are in use again.`
        : `🔻 ${m.bold(`${e(ev.service)} is unavailable`)}: each Tiller process carries on with its own cache and event bus (a confirmation works only in the process that asked for it) until it is back. ${e(ev.detail)}`;
    case 'model_promoted':
      return `🧠 ${m.bold('Model promoted')}: ${e(ev.kind)} v${ev.version} is now active: ${e(ev.reason)}`;
    case 'model_rejected':
      return `🧠 ${m.bold('Model rejected')}: ${e(ev.kind)} v${ev.version}; the active model stays: ${e(ev.reason)}`;
    case 'daily_report':
      return [
        `📊 ${m.bold('Daily report')} ${ev.day}`,
        `Equity ${money(ev.equity, currency)}, cash ${money(ev.cash, currency)}`,
        `Day P&L ${signedMoney(ev.dayPnl, currency)}, realized ${signedMoney(ev.realizedPnl, currency)} from ${ev.tradesClosed} closed trade(s)`,
        `Open positions: ${ev.openPositions}`,
      ].join('\n');
    case 'weekly_report':
      return [
        `📅 ${m.bold('Weekly report')} ${ev.from} to ${ev.to}`,
        `Equity ${money(ev.equity, currency)}, cash ${money(ev.cash, currency)}, open positions ${ev.openPositions}`,
        `Week P&L ${signedMoney(ev.pnl, currency)} (${(ev.returnPct * 100).toFixed(2)} %), max drawdown ${(ev.maxDrawdown * 100).toFixed(2)} %`,
        `Closed trades ${ev.tradesClosed}, win rate ${ev.winRate === null ? '–' : `${(ev.winRate * 100).toFixed(1)} %`}, realized ${signedMoney(ev.realizedPnl, currency)}`,
      ].join('\n');
  }
}
