/** The live picks rule as the models' evaluation names it: its row in the report and its kind in the
 * registry, where each `tiller train` records whether it passed the promotion gate (`/status` says so). */
import type { AppConfig, ProfileConfig } from '../config.js';
import { MODEL_NAME } from '../picks/momentum.strategy.js';

/** The traded rule of a configuration: report name, registry kind, and the profile whose settings it uses. */
export interface TradedRule {
  name: string;
  kind: string;
  profile: ProfileConfig;
}

export function tradedRule(c: Pick<AppConfig, 'trading' | 'picks'>): TradedRule {
  const p = c.trading.profile;
  return { name: `rule-${MODEL_NAME} (${p})`, kind: `rule-${MODEL_NAME}-${p}`, profile: c.picks.profiles[p] };
}
