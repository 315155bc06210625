/** A local LLM's rationale for each traded pick, written after the picks are stored (they are visible and
 * tradable before any LLM is asked). The prompt holds only the stored numbers of the pick; the answer is kept
 * only when it is a short paragraph that names the symbol and whose every number is one of those facts;
 * otherwise, and when the LLM is absent, slow or failing, the template rationale stays. The job waits at most
 * `rationale.budgetMs` in all. */
import type { AppConfig } from '../config.js';
import type { Pick as StockPick, RiskProfile, TradingDay } from '../domain/types.js';
import type { RationaleWriter } from '../ports/rationale.port.js';
import type { PickRepository, PickSet } from '../ports/repositories.port.js';

/** What the rationale step did. */
export interface RationaleRun {
  /** The writer used (null: none configured, the template rationales stand). */
  by: string | null;
  written: number;
  /** Picks that kept the template rationale, and why. */
  fallback: Array<{ profile: RiskProfile; symbol: string; reason: string }>;
}

export interface RationaleLogger {
  warn(obj: object, msg: string): void;
}

const NUMBER = /[-+]?\d+(?:[.,]\d+)*/g;
const pct = (x: number | null | undefined) => (x == null ? null : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`);

/** The facts of one pick, one per line, from its stored numbers only. */
export function pickFacts(p: StockPick, strategy: string, of: number, currency: string): string {
  const d = p.details;
  const s = d?.snapshot ?? {};
  const money = (x: number) => `${x.toFixed(2)} ${currency}`;
  const lines = [
    `Symbol: ${p.symbol}${d?.sector ? ` (sector ${d.sector})` : ''}`,
    `Strategy: ${strategy}, ${p.profile} profile, rank ${p.rank} of ${of}, score ${p.score.toFixed(3)}${d ? ` (${d.recommendation})` : ''}`,
    `Entry at the last close ${money(p.entry)}; target ${money(p.target)}; stop ${money(p.stopLoss)}`,
  ];
  if (d) lines.push(`Risk score ${d.riskScore.toFixed(2)} (0 the calmest, 1 the most volatile of the day's screened symbols)`);
  const ind: string[] = [];
  if (s.rsi14 != null) ind.push(`RSI ${s.rsi14.toFixed(1)}`);
  if (s.atrPct != null) ind.push(`daily range (ATR) ${(s.atrPct * 100).toFixed(1)} % of price`);
  if (s.roc20 != null) ind.push(`return over 20 days ${pct(s.roc20)}`);
  if (s.roc63 != null) ind.push(`return over 63 days ${pct(s.roc63)}`);
  if (s.sma50 != null && s.close != null && s.sma50 > 0) ind.push(`close ${pct(s.close / s.sma50 - 1)} against its 50-day average`);
  if (s.pe != null) ind.push(`P/E ${s.pe.toFixed(2)}`);
  if (ind.length) lines.push(`Indicators: ${ind.join('; ')}`);
  return lines.join('\n');
}

/** Why an LLM's answer cannot stand as the rationale, or null when it can. */
export function checkAnswer(answer: string, symbol: string, facts: string): string | null {
  const text = answer.trim();
  if (text.length < 40) return `the answer is too short (${text.length} characters)`;
  if (text.length > 900) return `the answer is too long (${text.length} characters)`;
  if (!text.toUpperCase().includes(symbol.toUpperCase())) return `the answer does not name ${symbol}`;
  const allowed = (facts.match(NUMBER) ?? []).map(toNumber);
  for (const raw of text.match(NUMBER) ?? []) {
    const v = toNumber(raw);
    if (!allowed.some((a) => Math.abs(Math.abs(a) - Math.abs(v)) <= Math.max(0.011, 0.006 * Math.abs(a)))) return `the answer states ${raw}, which is not among the facts`;
  }
  return null;
}

function toNumber(raw: string): number {
  // 1,234.5 (thousands) and 12,5 (a decimal comma) both read as a number.
  return Number(/,\d{3}(?:\D|$)/.test(raw) ? raw.replace(/,/g, '') : raw.replace(',', '.'));
}

export class PickRationales {
  constructor(
    private readonly writer: RationaleWriter | null,
    private readonly picks: Pick<PickRepository, 'setRationale'>,
    private readonly config: Pick<AppConfig, 'rationale' | 'market'>,
    private readonly log: RationaleLogger,
  ) {}

  /** Ask for a rationale of each traded pick of the day, within the budget. */
  async writeFor(day: TradingDay, sets: Record<RiskProfile, PickSet[]>): Promise<RationaleRun> {
    const traded = (Object.keys(sets) as RiskProfile[]).flatMap((profile) => {
      const set = sets[profile].find((x) => x.traded);
      return set ? set.picks.map((p) => ({ p, strategy: set.strategy, of: set.picks.length })) : [];
    });
    const run: RationaleRun = { by: this.writer?.name ?? null, written: 0, fallback: [] };
    if (!this.writer || traded.length === 0) return run;
    const giveUp = (reason: string, from = 0) => {
      for (const { p } of traded.slice(from)) run.fallback.push({ profile: p.profile, symbol: p.symbol, reason });
    };
    const deadline = Date.now() + this.config.rationale.budgetMs;
    try {
      await this.writer.probe();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.log.warn({ writer: this.writer.name, reason }, 'rationale: the LLM cannot be used today; the template rationales stand');
      giveUp(reason);
      return run;
    }
    const { language, maxWords } = this.config.rationale;
    const system = `You explain one stock pick to a trader in a single short factual paragraph of at most ${maxWords} words, in ${language}. `
      + 'Use only the facts given, name the symbol, and state no number that is not in the facts: no news, forecasts or advice beyond them. '
      + `Amounts are in ${this.config.market.currency}. Answer with the paragraph only.`;
    for (const [i, { p, strategy, of }] of traded.entries()) {
      if (Date.now() >= deadline) {
        giveUp(`the rationale budget of ${this.config.rationale.budgetMs} ms was spent`, i);
        break;
      }
      const facts = pickFacts(p, strategy, of, this.config.market.currency);
      let reason: string | null;
      let text = '';
      try {
        text = (await this.writer.write(system, facts)).replace(/<think>[\s\S]*?<\/think>/g, '').replace(/\s+/g, ' ').trim();
        reason = checkAnswer(text, p.symbol, facts);
      } catch (err) {
        reason = err instanceof Error ? err.message : String(err);
      }
      if (reason === null) {
        await this.picks.setRationale(day, p.profile, strategy, p.symbol, text);
        p.rationale = text;
        run.written++;
      } else {
        run.fallback.push({ profile: p.profile, symbol: p.symbol, reason });
      }
    }
    if (run.fallback.length > 0) this.log.warn({ writer: this.writer.name, fallback: run.fallback }, 'rationale: some picks keep the template rationale');
    return run;
  }
}
