/** Renders a command result as text lines with a transport's markup. */
import type { ModelRecord } from '../../src/ports/repositories.port.js';
import type { CommandResult, PerformanceResult, StatusResult } from '../../src/commands/command.types.js';
import { breakerValue } from './render-alert.js';
import { money, price, signedMoney, type Markup } from './markup.js';

export function renderResult(r: CommandResult, m: Markup): string {
  const e = m.escape;
  switch (r.kind) {
    case 'status': {
      const s = r.state;
      return [
        `${m.bold('Status')}: ${m.bold(s.status)} (${r.mode}, broker ${r.broker})`,
        s.changedAt ? `${e(s.reason)}, by ${e(s.changedBy)} at ${s.changedAt.toISOString()}` : 'Running since the first start: nobody has paused or halted it yet',
        ...r.breakers.map((b) => `🛑 Breaker ${b.name} tripped (${b.stage}) on ${b.day}: ${breakerValue(b.name, b.value)}, limit ${breakerValue(b.name, b.limit)}`),
        `Equity: ${money(r.equity, r.currency)}`,
        `Cash: ${money(r.cash, r.currency)}`,
        `Exposure: ${money(r.exposure, r.currency)}`,
        `Today's P&L: ${signedMoney(r.dayPnl, r.currency)}`,
        `Open positions: ${r.openPositions}`,
        `Latest picks: ${r.picksDay ?? 'none yet'}`,
        `Last pipeline: ${r.lastPipeline ? `${r.lastPipeline.asOf} ${r.lastPipeline.status}` : 'never run'}`,
        ...(!r.data.stale ? [] : r.data.lastBar === null
          ? ['⚠️ No market data stored yet: run the pipeline (/run pipeline)']
          : [`⚠️ Market data is stale: the last stored bar is ${r.data.lastBar}, the last trading day ${r.data.expected} (run the pipeline, or check the provider)`]),
        strategyLine(r.strategy, e),
        `Trading day: ${r.tradingDay}`,
      ].join('\n');
    }
    case 'picks': {
      if (!r.day) return 'No picks yet: the picks job has not run.';
      const whose = r.strategy ? ` by ${e(r.strategy)}${r.traded ? ' (traded)' : ' (not traded)'}` : '';
      const lines = [`${m.bold('Picks')} for ${r.day}${whose}${r.sector ? `, sector ${e(r.sector)}` : ''}`];
      for (const [profile, picks] of Object.entries(r.byProfile)) {
        if (picks.length === 0) continue;
        // A compact table in monospace (one code span a line, so Telegram and Discord keep the columns), then why.
        const width = Math.max(6, ...picks.map((p) => p.symbol.length));
        const row = (cells: string[]) => m.code(cells.map((c, i) => (i === 0 ? c.padEnd(2) : i === 1 ? c.padEnd(width) : c.padStart(i >= 5 ? 5 : 9))).join(' '));
        lines.push('', m.bold(profile), row(['#', 'Symbol', 'Entry', 'Target', 'Stop', 'Conf', 'Risk']));
        for (const p of picks) {
          const rec = p.details ? ` ${p.details.recommendation}` : '';
          lines.push(`${row([String(p.rank), p.symbol, price(p.entry), price(p.target), price(p.stopLoss), `${(p.confidence * 100).toFixed(0)}%`, p.details ? p.details.riskScore.toFixed(2) : '–'])}${rec}${p.sector ? ` · ${e(p.sector)}` : ''}`);
        }
        for (const p of picks) lines.push(`${m.code(p.symbol)}: ${e(p.rationale)}`);
      }
      if (lines.length === 1) lines.push(r.strategy && !r.strategies.includes(r.strategy) ? `${e(r.strategy)} made no picks that day.` : 'No symbol qualified for the requested profile.');
      if (r.strategies.length > 1) lines.push('', `Also picked that day: ${r.strategies.filter((x) => x !== r.strategy).map(e).join(', ')} (/picks STRATEGY)`);
      return lines.join('\n');
    }
    case 'why': {
      if (r.exclusion) return `${m.code(r.symbol)} was left out of the picks of ${r.day} at ${m.bold(r.exclusion.stage)} screening: ${e(r.exclusion.reason)} (picks.screening.${r.exclusion.rule}).`;
      if (r.picks.length === 0) return `${m.code(r.symbol)} passed screening on ${r.day}, but no strategy ranked it in its top N.`;
      const lines = [`${m.code(r.symbol)} on ${r.day}: passed screening; picked by`];
      for (const p of r.picks) {
        lines.push(`${e(p.strategy)} ${p.profile}${p.traded ? ' (traded)' : ''}: rank ${p.rank}, score ${p.score.toFixed(3)}${p.riskScore === null ? '' : `, risk ${p.riskScore.toFixed(2)}`}${p.recommendation ? `, ${p.recommendation}` : ''}`);
      }
      return lines.join('\n');
    }
    case 'leaderboard': {
      if (r.rows.length === 0) return 'No shadow portfolios yet: they start with the first picks and are brought up to date after each daily report.';
      const lines = [`${m.bold('Leaderboard')}: every strategy and profile traded on paper by the live rules, from its first picks day`];
      r.rows.forEach((x, i) => {
        lines.push(`${i + 1}. ${m.code(`${x.strategy} ${x.profile}`)}${x.traded ? ' (traded)' : ''}: ${pc(x.totalReturn)}, Sharpe ${fx(x.sharpe, 2)}, max DD ${pc(x.maxDrawdown)}, hit rate ${pc(x.hitRate)}, ${x.trades} trades, ${x.days} days live (since ${x.firstDay})`);
      });
      return lines.join('\n');
    }
    case 'positions': {
      if (r.positions.length === 0) return `No open positions. Cash ${money(r.cash, r.currency)}.`;
      const lines = [`${m.bold('Positions')} (${r.positions.length}), equity ${money(r.equity, r.currency)}, cash ${money(r.cash, r.currency)}`];
      for (const p of r.positions) {
        lines.push(`${m.code(p.symbol)} ${p.qty} @ ${price(p.avgPrice)} → ${price(p.price)}, value ${money(p.value, r.currency)}, P&L ${signedMoney(p.unrealizedPnl, r.currency)}, stop ${price(p.stopLoss)}, target ${price(p.target)}`);
      }
      return lines.join('\n');
    }
    case 'pipeline': {
      if (r.runs.length === 0) return 'The pipeline has not run yet.';
      const lines = [m.bold('Pipeline runs')];
      for (const run of r.runs) {
        const took = run.finishedAt ? ` in ${((run.finishedAt.getTime() - run.startedAt.getTime()) / 1000).toFixed(1)} s` : '';
        lines.push('', `#${run.id} for ${run.asOf}: ${m.bold(run.status)}${took}${run.resumed ? `, resumed ${run.resumed}×` : ''}`);
        if (run.status === 'partial' && run.error) lines.push(`  ${e(run.error)}`);
        for (const st of run.steps) {
          lines.push(`  ${st.step}: ${st.status}, ${st.rows.toLocaleString('en-US')} rows${st.seconds === null ? '' : `, ${st.seconds.toFixed(1)} s`}${st.attempt > 1 ? `, attempt ${st.attempt}` : ''}${st.error ? ` (${e(st.error)})` : ''}`);
        }
        lines.push(`  quarantined: ${run.quarantine.rejected} rejected, ${run.quarantine.flagged} flagged`);
      }
      return lines.join('\n');
    }
    case 'state_changed':
      return `Trading is now ${m.bold(r.to)} (was ${r.from}): ${e(r.reason)}`;
    case 'halted': {
      const h = r.result;
      const lines = [`${m.bold('HALTED')}. Cancelled ${h.cancelledOrders} open order(s); closed ${h.closed.length} position(s).`];
      for (const c of h.closed) lines.push(`${m.code(c.symbol)} ${c.qty} @ ${price(c.price)}, P&L ${signedMoney(c.pnl, r.currency)}`);
      if (h.failed.length) lines.push(`Could not close: ${h.failed.join(', ')}. Check the broker.`);
      lines.push('Trading stays halted until /resume.');
      return lines.join('\n');
    }
    case 'risk': {
      const l = r.limits;
      const lines = [
        `${m.bold('Risk')}: trading ${m.bold(r.state.status)}; equity ${money(r.equity, r.currency)}, exposure ${money(r.exposure, r.currency)} (${r.equity > 0 ? ((r.exposure / r.equity) * 100).toFixed(1) : '0.0'} %)`,
        `Positions ${r.openPositions}/${l.maxOpenPositions}; entries this week ${r.entriesThisWeek}/${l.caps.maxEntriesPerWeek}; sizing ${l.sizing.method}`,
        '', m.bold('Circuit breakers'),
      ];
      for (const b of r.readings) {
        const limits = b.soft === null ? 'off' : `soft ${breakerValue(b.name, b.soft)}${b.hard === null ? '' : `, hard ${breakerValue(b.name, b.hard)}`}`;
        lines.push(`${b.tripped ? '🛑' : '✅'} ${b.name}: ${e(b.shown)} (${limits})${b.tripped ? `, TRIPPED ${b.tripped}` : ''}`);
      }
      lines.push('', m.bold('Limits'), ...r.keys.map((k) => `${m.code(k.key)} ${k.value} (${e(k.help)})${k.setBy ? `, set by ${e(k.setBy)}` : ''}`));
      lines.push('', 'Change one with /set_risk KEY VALUE.');
      return lines.join('\n');
    }
    case 'risk_set':
      return `Risk limit ${m.code(r.key)} is now ${r.value} (was ${r.previous}).`;
    case 'closed': {
      const lines = [`Closed ${r.result.closed.length} position(s).`];
      for (const c of r.result.closed) lines.push(`${m.code(c.symbol)} ${c.qty} @ ${price(c.price)}, P&L ${signedMoney(c.pnl, r.currency)}`);
      if (r.result.failed.length) lines.push(`Could not close: ${r.result.failed.join(', ')}. Check /orders and the broker.`);
      return lines.join('\n');
    }
    case 'orders': {
      if (r.orders.length === 0) return 'No orders yet.';
      const lines = [`${m.bold('Orders')} (latest ${r.orders.length})`];
      for (const o of r.orders) {
        const px = o.type === 'market' ? 'market' : `${o.type}${o.stopPrice != null ? ` stop ${price(o.stopPrice)}` : ''}${o.limitPrice != null ? ` limit ${price(o.limitPrice)}` : ''}`;
        lines.push(`${o.day} ${o.side} ${o.qty} ${m.code(o.symbol)} ${px} (${o.reason}): ${m.bold(o.status)}${o.note ? `, ${e(o.note)}` : ''}`);
      }
      return lines.join('\n');
    }
    case 'trades': {
      if (r.trades.length === 0) return 'No closed trades yet.';
      const lines = [`${m.bold('Closed trades')} (latest ${r.trades.length})`];
      for (const t of r.trades) {
        lines.push(`${t.closedDay} ${m.code(t.symbol)} ${t.qty}: ${price(t.entryPrice)} → ${price(t.exitPrice)}, ${signedMoney(t.pnl, r.currency)} (${t.reason}; pick of ${t.openedDay}${t.profile ? `, ${t.profile}` : ''}${t.model ? `, ${e(t.model)}` : ''})`);
      }
      return lines.join('\n');
    }
    case 'performance': {
      const pctOrDash = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
      const num = (x: number | null) => (x === null ? '–' : x.toFixed(2));
      const lines = [m.bold('Performance')];
      for (const p of r.periods) {
        lines.push(`${m.bold(p.label)} (from ${p.from}): P&L ${signedMoney(p.pnl, r.currency)} (${(p.returnPct * 100).toFixed(2)} %), ${p.trades} trade(s), win rate ${pctOrDash(p.winRate)}, profit factor ${num(p.profitFactor)}, Sharpe ${num(p.sharpe)}, max drawdown ${(p.maxDrawdown * 100).toFixed(2)} %`);
      }
      const group = (title: string, rows: PerformanceResult['byModel']) => {
        if (rows.length === 0) return;
        lines.push('', `${m.bold(title)} (this month)`);
        for (const g of rows) lines.push(`${e(g.key)}: ${g.trades} trade(s), win rate ${pctOrDash(g.winRate)}, realized ${signedMoney(g.realizedPnl, r.currency)}`);
      };
      group('By profile', r.byProfile);
      group('By model', r.byModel);
      if (r.shadows.length > 0) {
        lines.push('', `${m.bold('Shadow portfolios')} (the best 5 of ${r.shadows.length}; /leaderboard lists all)`);
        for (const x of r.shadows.slice(0, 5)) lines.push(`${m.code(`${x.strategy} ${x.profile}`)}${x.traded ? ' (traded)' : ''}: ${pc(x.totalReturn)}, Sharpe ${fx(x.sharpe, 2)}, max DD ${pc(x.maxDrawdown)}, ${x.days} days live`);
      }
      return lines.join('\n');
    }
    case 'whoami':
      return [
        `${m.bold('You')}: ${r.displayName ? `${e(r.displayName)}, ` : ''}user id ${m.code(r.userId)} on ${r.transport}`,
        `This chat: ${m.code(r.chatId)}`,
        r.role ? `Role: ${m.bold(r.role)}` : 'Role: none. Ask an admin to add your user id to the viewers, operators or admins in config.',
      ].join('\n');
    case 'alerts': {
      const lines = [`${m.bold('Alerts')} in this chat (${m.code(r.chatId)})`];
      if (r.changed) lines.push(`Set ${r.changed.types.length === r.modes.length ? 'every type' : r.changed.types.join(', ')} to ${m.bold(r.changed.mode)}.`);
      if (!r.receivesAlerts) lines.push('This chat is not an alert chat, so it receives none of these; add it to the alert chats in config.');
      for (const t of r.modes) lines.push(`${t.mode === 'on' ? '🔔' : t.mode === 'silent' ? '🔕' : '✖'} ${t.type}: ${t.mode}`);
      lines.push('', 'Change with /alerts TYPE|all on|silent|off.');
      return lines.join('\n');
    }
    case 'jobs': {
      const lines = [`${m.bold('Jobs')} (schedules in ${r.timezone})`];
      for (const j of r.jobs) {
        const last = j.last;
        const when = last ? `${last.outcome} for ${last.day} (${e(last.trigger)}), started ${last.startedAt.toISOString()}${last.worker ? ` on ${e(last.worker)}` : ''}${last.finishedAt ? `, took ${((last.finishedAt.getTime() - last.startedAt.getTime()) / 1000).toFixed(1)} s` : ''}${last.error ? `: ${e(last.error)}` : ''}` : 'never run';
        lines.push(`${m.code(j.name)} ${m.code(j.schedule)}: ${when}`);
      }
      return lines.join('\n');
    }
    case 'job_started':
      return `Started ${m.code(r.job)} for ${r.day}. /jobs shows when it ends; a failure is alerted.`;
    case 'report': {
      const p = r.report.performance;
      const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
      const title = r.report.period === 'day' ? `${m.bold('Daily report')} ${p.to}` : `${m.bold('Weekly report')} ${p.from} to ${p.to}`;
      return [
        `📊 ${title}`,
        `Equity ${money(r.report.equity, r.currency)}, cash ${money(r.report.cash, r.currency)}, open positions ${r.report.openPositions}`,
        `P&L ${signedMoney(p.pnl, r.currency)} (${(p.returnPct * 100).toFixed(2)} %), max drawdown ${(p.maxDrawdown * 100).toFixed(2)} %`,
        `Closed trades ${p.trades}, win rate ${pct(p.winRate)}, realized ${signedMoney(p.realizedPnl, r.currency)}, profit factor ${p.profitFactor === null ? '–' : p.profitFactor.toFixed(2)}, Sharpe ${p.sharpe === null ? '–' : p.sharpe.toFixed(2)}`,
        r.report.curve.length > 0 ? `Chart: equity and drawdown, ${r.report.curve[0]!.day} to ${r.report.curve.at(-1)!.day}` : 'No end-of-day snapshot yet, so no chart.',
      ].join('\n');
    }
    case 'backtest': {
      const b = r.backtest;
      const x = b.metrics;
      const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(2)} %`);
      const num = (v: number | null) => (v === null ? '–' : v.toFixed(2));
      return [
        `🧪 ${m.bold('Backtest')} ${e(b.strategy)} (${e(b.profile)}) ${b.from} to ${b.to}, ${b.days} trading days, ${b.symbols} symbols`,
        ...b.notes.map((n) => `Note: ${e(n)}`),
        `Equity ${money(x.startEquity, r.currency)} → ${money(x.endEquity, r.currency)}: ${pct(x.totalReturn)} (equal-weight universe ${pct(x.benchmarkReturn)})`,
        `CAGR ${pct(x.cagr)}, Sharpe ${num(x.sharpe)}, Sortino ${num(x.sortino)}, max drawdown ${pct(x.maxDrawdown)} (${x.maxDrawdownDays} days)`,
        `Trades ${x.trades}, win rate ${pct(x.winRate)}, profit factor ${num(x.profitFactor)}, expectancy ${x.expectancy === null ? '–' : signedMoney(x.expectancy, r.currency)}`,
        `Alpha ${pct(x.alpha)}, beta ${num(x.beta)}, exposure ${pct(x.exposure)}, costs ${money(x.costs, r.currency)}`,
        `Run ${m.code(b.id)}; report in ${e(b.dir)}`,
      ].join('\n');
    }
    case 'backtests': {
      if (r.runs.length === 0) return 'No backtests yet. Try /backtest.';
      const pct = (v: number | null | undefined) => (v == null ? '–' : `${(v * 100).toFixed(1)} %`);
      return [m.bold('Recent backtests'), ...r.runs.map((b) => {
        const head = `${m.code(b.id)} ${b.from}..${b.to} ${e(b.strategy)}/${e(b.profile)} by ${e(b.requestedBy)}`;
        if (b.status === 'failed') return `${head}: failed: ${e(b.error ?? '')}`;
        if (b.status === 'running') return `${head}: running`;
        return `${head}: return ${pct(b.metrics?.totalReturn)}, Sharpe ${b.metrics?.sharpe == null ? '–' : b.metrics.sharpe.toFixed(2)}, max DD ${pct(b.metrics?.maxDrawdown)}, ${b.metrics?.trades ?? 0} trades`;
      })].join('\n');
    }
    case 'models': {
      const modelLine = (x: ModelRecord, now: Date) => modelSummary(x, now, e);
      if (r.models.length === 0) return 'No trained models yet: run `tiller train` (/status says what the picks come from).';
      return [m.bold('Models (out of sample, walk-forward)'), ...r.models.map((x) => `${modelLine(x, r.now)}`)].join('\n');
    }
    case 'model': {
      const modelLine = (x: ModelRecord, now: Date) => modelSummary(x, now, e);
      const active = r.versions.find((x) => x.status === 'active');
      const shown = active ?? r.versions[0]!;
      const folds = shown.metrics.folds.map((f, i) => `fold ${i + 1}: IC ${fx(f.ic, 3)} (t ${fx(f.icT, 1)}), hit ${pc(f.hitRate)}, top-N ${pc(f.topN)}`
        + (f.portfolioReturn == null ? '' : `; top-N portfolio ${pc(f.portfolioReturn)}, Sharpe ${fx(f.portfolioSharpe, 2)}, max DD ${pc(f.portfolioMaxDrawdown)}`));
      return [
        m.bold(`${e(shown.kind)}: ${active ? `v${active.version} active` : 'no active version'}`),
        ...r.versions.map((x) => modelLine(x, r.now)),
        `${e(shown.kind)} v${shown.version} folds (baseline overall: IC ${fx(shown.baseline.ic, 3)}, top-N ${pc(shown.baseline.topN)}):`,
        ...folds.map(e),
      ].join('\n');
    }
    case 'help':
      return [`${m.bold('Commands')} (your role: ${r.role})`, ...r.commands.map((c) => `${e(c.usage)}: ${e(c.description)}`)].join('\n');
    case 'confirm':
      return `${m.bold('Confirm')}: ${e(r.prompt)}\nThis request expires in ${r.expiresInSeconds} s.`;
    case 'cancelled':
      return `/${r.command} cancelled.`;
    case 'refused':
      return `⛔ ${e(r.reason)}`;
    case 'error':
      return `⚠️ ${e(r.message)}`;
  }
}

const fx = (v: number | null | undefined, digits: number) => (v == null || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const pc = (v: number | null | undefined) => (v == null || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(2)} %`);

/** The traded strategy and its standing at the promotion gate. */
function strategyLine(st: StatusResult['strategy'], e: (s: string) => string): string {
  const how = st.configured === 'gated' ? '' : ` (chosen in config: trading.strategy ${e(st.configured)})`;
  if (st.gate === 'baseline') return `Strategy: ${e(st.name)}, the baseline${how}: ${e(st.reason ?? '')}`;
  if (st.gate === 'not evaluated') return `⚠️ Strategy: ${e(st.name)}${how}, not evaluated out of sample yet (run \`tiller train\`)`;
  const on = st.evaluatedAt ? ` on ${st.evaluatedAt.toISOString().slice(0, 10)}` : '';
  if (st.gate === 'passed') return `Strategy: ${e(st.name)}${how}, passed the promotion gate${on}`;
  return `⚠️ Strategy: ${e(st.name)}${how} did NOT pass the promotion gate${on}: ${e(st.reason ?? '')}`;
}

/** One model's line: kind, version, status, out-of-sample IC and top-N return beside the baseline's, age. */
function modelSummary(x: ModelRecord, now: Date, e: (s: string) => string): string {
  const days = Math.max(0, Math.floor((now.getTime() - x.createdAt.getTime()) / 86_400_000));
  const o = x.metrics.overall;
  return `${e(x.kind)} v${x.version} ${x.status}: rank IC ${fx(o.ic, 3)} (t ${fx(o.icT, 1)}) vs baseline ${fx(x.baseline.ic, 3)}; `
    + `top-N ${pc(o.topN)} vs ${pc(x.baseline.topN)}; `
    + (o.portfolioReturn == null ? '' : `top-N portfolio ${pc(o.portfolioReturn)} (Sharpe ${fx(o.portfolioSharpe, 2)}, max DD ${pc(o.portfolioMaxDrawdown)}) vs ${pc(x.baseline.portfolioReturn)}; `)
    + `data ${x.dataFrom}..${x.dataTo}; trained ${days === 0 ? 'today' : `${days} d ago`}`
    + (x.status === 'active' ? '' : `; ${e(x.reason)}`);
}
