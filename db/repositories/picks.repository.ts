import { sql, type Kysely, type Selectable } from 'kysely';
import type { Pick, Recommendation, RiskProfile, TradingDay } from '../../src/domain/types.js';
import type { PickRepository, PickSet, StoredPick } from '../../src/ports/repositories.port.js';
import type { Database } from '../schema.js';

export class PgPickRepository implements PickRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async replaceDay(day: TradingDay, profile: RiskProfile, sets: PickSet[]): Promise<void> {
    const rows = sets.flatMap((set) => set.picks.map((p) => ({
      day: p.day, profile: p.profile, symbol: p.symbol, rank: p.rank, score: p.score, confidence: p.confidence,
      entry: p.entry, target: p.target, stop_loss: p.stopLoss, model: p.model, rationale: p.rationale, strategy: set.strategy, traded: set.traded,
      risk_score: p.details?.riskScore ?? null, recommendation: p.details?.recommendation ?? null, sector: p.details?.sector ?? null,
      snapshot: p.details ? JSON.stringify(p.details.snapshot) : null,
    })));
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('picks').where('day', '=', day).where('profile', '=', profile).execute();
      if (rows.length > 0) await tx.insertInto('picks').values(rows).execute();
    });
  }

  replace(day: TradingDay, profile: RiskProfile, picks: Pick[]): Promise<void> {
    return this.replaceDay(day, profile, [{ strategy: picks[0]?.model ?? 'manual', traded: true, picks }]);
  }

  forDay(day: TradingDay, profile?: RiskProfile): Promise<Pick[]> {
    return this.query(day, { profile });
  }

  async query(day: TradingDay | null, f: { profile?: RiskProfile; strategy?: string }): Promise<StoredPick[]> {
    let q = this.db.selectFrom('picks').selectAll();
    if (day !== null) q = q.where('day', '=', day);
    if (f.profile) q = q.where('profile', '=', f.profile);
    q = f.strategy === undefined ? q.where('traded', '=', true) : q.where('strategy', '=', f.strategy);
    return toPicks(await q.orderBy('day').orderBy('profile').orderBy('rank').execute());
  }

  async ofSymbol(day: TradingDay, symbol: string): Promise<StoredPick[]> {
    const rows = await this.db.selectFrom('picks').selectAll().where('day', '=', day).where('symbol', '=', symbol)
      .orderBy('traded', 'desc').orderBy('strategy').orderBy('profile').execute();
    return toPicks(rows);
  }

  async strategiesOn(day: TradingDay): Promise<string[]> {
    const rows = await this.db.selectFrom('picks').select(['strategy', sql<boolean>`bool_or(traded)`.as('traded')]).where('day', '=', day).groupBy('strategy').execute();
    return rows.sort((a, b) => Number(b.traded) - Number(a.traded) || a.strategy.localeCompare(b.strategy)).map((r) => r.strategy);
  }

  async combinations(): Promise<Array<{ strategy: string; profile: RiskProfile; firstDay: TradingDay; traded: boolean }>> {
    const rows = await sql<{ strategy: string; profile: string; first_day: string; traded: boolean }>`
      select strategy, profile, min(day)::text as first_day, bool_or(traded) filter (where day = (select max(day) from picks)) as traded
      from picks group by strategy, profile order by strategy, profile`.execute(this.db);
    return rows.rows.map((r) => ({ strategy: r.strategy, profile: r.profile as RiskProfile, firstDay: r.first_day, traded: r.traded === true }));
  }

  async history(strategy: string, profile: RiskProfile): Promise<Map<TradingDay, Pick[]>> {
    const rows = await this.query(null, { profile, strategy });
    const out = new Map<TradingDay, Pick[]>();
    for (const p of rows) {
      const list = out.get(p.day) ?? [];
      list.push(p);
      out.set(p.day, list);
    }
    return out;
  }

  /** Store a pick's rationale (written after the picks, e.g. by the local LLM). */
  async setRationale(day: TradingDay, profile: RiskProfile, strategy: string, symbol: string, rationale: string): Promise<void> {
    await this.db.updateTable('picks').set({ rationale }).where('day', '=', day).where('profile', '=', profile).where('strategy', '=', strategy).where('symbol', '=', symbol).execute();
  }

  async latestDay(): Promise<TradingDay | null> {
    const r = await this.db.selectFrom('picks').select(sql<string | null>`max(day)`.as('d')).executeTakeFirst();
    return r?.d ?? null;
  }
}

/** Stored rows as picks, with their details when they have them. */
function toPicks(rows: Array<Selectable<Database['picks']>>): StoredPick[] {
  return rows.map((r) => ({
    day: r.day, profile: r.profile as RiskProfile, symbol: r.symbol, rank: r.rank, score: r.score, confidence: r.confidence,
    entry: r.entry, target: r.target, stopLoss: r.stop_loss, model: r.model, rationale: r.rationale, strategy: r.strategy, traded: r.traded,
    ...(r.risk_score === null || r.recommendation === null ? {} : {
      details: { riskScore: r.risk_score, recommendation: r.recommendation as Recommendation, sector: r.sector, snapshot: r.snapshot ?? {} },
    }),
  }));
}

