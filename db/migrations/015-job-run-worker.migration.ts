import { sql, type Kysely } from 'kysely';

/** Which process ran each job (host:pid), so /jobs and an operator can tell the workers' runs apart, and a
 * run left `running` by a killed worker shows whose it was. Older runs have none (null). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table job_runs add column worker text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table job_runs drop column worker`.execute(db);
}
