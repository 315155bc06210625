/** The risk limits in force: config/*.yaml, overridden key by key by what an admin set with /set_risk
 * (stored in PostgreSQL, audited). Each settable key has a validator, and soft stages may never exceed hard
 * ones, so a typo cannot switch a breaker off. */
import { UserError } from '../domain/errors.js';
import type { AppConfig } from '../config.js';
import type { Clock } from '../ports/clock.port.js';
import type { RiskSettingsRepository } from '../ports/repositories.port.js';

type TradingConfig = AppConfig['trading'];

/** The part of the trading config that /risk shows and /set_risk may change. */
export interface RiskLimits {
  maxOpenPositions: number;
  sizing: TradingConfig['sizing'];
  caps: TradingConfig['caps'];
  breakers: TradingConfig['breakers'];
}

interface KeySpec {
  path: string[];
  kind: 'fraction' | 'count' | 'number';
  /** Inclusive lower and upper bounds. */
  min: number;
  max: number;
  help: string;
}

/** Settable keys by their chat name. Fractions accept 0.03 or 3%. */
export const RISK_KEYS: Record<string, KeySpec> = {
  max_positions: { path: ['maxOpenPositions'], kind: 'count', min: 1, max: 100, help: 'open positions at most' },
  position_fraction: { path: ['sizing', 'positionFraction'], kind: 'fraction', min: 0.001, max: 1, help: 'equity per position (fixed fraction)' },
  risk_per_trade: { path: ['sizing', 'riskPerTradePct'], kind: 'fraction', min: 0.001, max: 0.2, help: 'equity lost at the stop (atr sizing)' },
  kelly_max: { path: ['sizing', 'kellyMaxFraction'], kind: 'fraction', min: 0.001, max: 1, help: 'largest half-Kelly fraction' },
  max_position_pct: { path: ['caps', 'maxPositionPct'], kind: 'fraction', min: 0.001, max: 1, help: 'one position at most' },
  max_sector_pct: { path: ['caps', 'maxSectorPct'], kind: 'fraction', min: 0.001, max: 1, help: 'one sector at most' },
  max_gross_exposure: { path: ['caps', 'maxGrossExposurePct'], kind: 'fraction', min: 0.01, max: 4, help: 'all positions at most (multiple of equity)' },
  max_entries_week: { path: ['caps', 'maxEntriesPerWeek'], kind: 'count', min: 0, max: 1000, help: 'new positions per week' },
  daily_loss_soft: { path: ['breakers', 'dailyLoss', 'soft'], kind: 'fraction', min: 0.001, max: 1, help: 'daily loss that pauses' },
  daily_loss_hard: { path: ['breakers', 'dailyLoss', 'hard'], kind: 'fraction', min: 0.001, max: 1, help: 'daily loss that halts' },
  drawdown_soft: { path: ['breakers', 'maxDrawdown', 'soft'], kind: 'fraction', min: 0.001, max: 1, help: 'drawdown that pauses' },
  drawdown_hard: { path: ['breakers', 'maxDrawdown', 'hard'], kind: 'fraction', min: 0.001, max: 1, help: 'drawdown that halts' },
  loss_streak_soft: { path: ['breakers', 'consecutiveLosses', 'soft'], kind: 'count', min: 1, max: 100, help: 'losing trades in a row that pause' },
  loss_streak_hard: { path: ['breakers', 'consecutiveLosses', 'hard'], kind: 'count', min: 1, max: 100, help: 'losing trades in a row that halt' },
  cooldown_minutes: { path: ['breakers', 'cooldownMinutes'], kind: 'number', min: 0, max: 10_080, help: 'minutes between entries (0 = off)' },
  volatility_soft: { path: ['breakers', 'volatility', 'soft'], kind: 'number', min: 0.0001, max: 1000, help: 'market volatility that pauses' },
  volatility_hard: { path: ['breakers', 'volatility', 'hard'], kind: 'number', min: 0.0001, max: 1000, help: 'market volatility that halts' },
};

const STAGE_PAIRS: Array<[string, string]> = [
  ['daily_loss_soft', 'daily_loss_hard'], ['drawdown_soft', 'drawdown_hard'], ['loss_streak_soft', 'loss_streak_hard'], ['volatility_soft', 'volatility_hard'],
];

function getPath(o: unknown, p: string[]): number {
  return p.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], o) as number;
}

function setPath(o: Record<string, unknown>, p: string[], value: number): void {
  let cur = o;
  for (const k of p.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  cur[p.at(-1)!] = value;
}

/** Parse a chat value for `key`: "0.03", "3%", "5". */
export function parseRiskValue(key: string, raw: string): number {
  const spec = RISK_KEYS[key];
  if (!spec) throw new UserError(`unknown risk key "${key}"; keys: ${Object.keys(RISK_KEYS).join(', ')}`);
  const m = /^(-?\d+(?:\.\d+)?)(%?)$/.exec(raw.trim());
  if (!m) throw new UserError(`${key}: "${raw}" is not a number`);
  if (m[2] && spec.kind !== 'fraction') throw new UserError(`${key}: a plain number is expected, not a percentage`);
  const value = m[2] ? Number(m[1]) / 100 : Number(m[1]);
  if (spec.kind === 'count' && !Number.isInteger(value)) throw new UserError(`${key}: a whole number is expected`);
  if (value < spec.min || value > spec.max) throw new UserError(`${key}: ${raw} is outside ${spec.min}..${spec.max}`);
  return value;
}

export class RiskLimitsService {
  constructor(private readonly base: TradingConfig, private readonly repo: RiskSettingsRepository, private readonly clock: Clock) {}

  /** The limits in force now, with the keys overridden from chat. */
  async current(): Promise<{ limits: RiskLimits; overrides: Map<string, { value: number; changedBy: string; changedAt: Date }> }> {
    const limits = structuredClone({
      maxOpenPositions: this.base.maxOpenPositions, sizing: this.base.sizing, caps: this.base.caps, breakers: this.base.breakers,
    }) as RiskLimits;
    const overrides = await this.repo.all();
    for (const [key, o] of overrides) {
      const spec = RISK_KEYS[key];
      if (spec) setPath(limits as unknown as Record<string, unknown>, spec.path, o.value);
    }
    return { limits, overrides };
  }

  /** The value of a chat key in `limits`. */
  static valueOf(limits: RiskLimits, key: string): number {
    return getPath(limits, RISK_KEYS[key]!.path);
  }

  /**
   * Validate and store one key. Throws UserError for an unknown key, a bad value, or a soft stage above its hard one.
   * @returns the previous and the new value.
   */
  async set(key: string, raw: string, by: string): Promise<{ previous: number; value: number }> {
    const r = await this.check(key, raw);
    await this.repo.set(key, r.value, by, this.clock.now());
    return r;
  }

  /** Everything `set` checks, without storing: the value, and soft stages against hard ones. */
  async check(key: string, raw: string): Promise<{ previous: number; value: number }> {
    const value = parseRiskValue(key, raw);
    const { limits } = await this.current();
    const previous = RiskLimitsService.valueOf(limits, key);
    setPath(limits as unknown as Record<string, unknown>, RISK_KEYS[key]!.path, value);
    for (const [soft, hard] of STAGE_PAIRS) {
      const s = RiskLimitsService.valueOf(limits, soft);
      const h = RiskLimitsService.valueOf(limits, hard);
      if (s > h) throw new UserError(`${soft} (${s}) would be above ${hard} (${h}); change ${key === soft ? hard : soft} first`);
    }
    return { previous, value };
  }
}
