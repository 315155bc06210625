/** Risk limits changed from chat (/set_risk); they override config/*.yaml until changed again. */
export interface RiskSettingsRepository {
  /** Every risk limit changed by chat (/set_risk), with who changed it and when. */
  all(): Promise<Map<string, { value: number; changedBy: string; changedAt: Date }>>;
  /** Store a changed risk limit. */
  set(key: string, value: number, by: string, at: Date): Promise<void>;
}
