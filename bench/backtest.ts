/** Backtest figures: a fresh database filled with all 619k bars by the pipeline, then `tiller backtest` over
 * 505 symbols × 4 years of trading (after the first year of warm-up) as a user runs it, timed from the
 * command; the CLI's own figures (after loading, bars/s, peak RSS) are printed beside it. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '../test/helpers/database.js';
import { childEnv, ROOT, SP500_DIR } from '../test/helpers/tiller-process.js';

function tiller(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; seconds: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli.ts'), ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out, seconds: (performance.now() - t0) / 1000 }));
  });
}

export async function benchBacktest(): Promise<void> {
  const db = await createTestDatabase();
  const dir = mkdtempSync(path.join(tmpdir(), 'tiller-bench-bt-'));
  try {
    const own = path.join(dir, 'five-years.yaml');
    writeFileSync(own, 'marketData:\n  historyDays: 2000\n');
    const env = { DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, TILLER_CONFIG: own, TILLER_VAR_DIR: dir, CONSOLE_CHAT: 'off' };
    const pipe = await tiller(['run', 'pipeline', '--day', '2018-02-08'], env);
    if (pipe.code !== 0) throw new Error('pipeline failed');
    const bt = await tiller(['backtest', '--from', '2014-02-10', '--to', '2018-02-07', '--strategy', 'momentum-trend', '--out', path.join(dir, 'bt')], env);
    if (bt.code !== 0) throw new Error('backtest failed');
    const figures = bt.out.split('\n').find((l) => l.includes('after loading')) ?? '';
    console.log('backtest: `tiller backtest --from 2014-02-10 --to 2018-02-07`, 505 symbols, all rules (picks, sizing, exits, breakers, paper fills)');
    console.log(`  pipeline first (full history, 619k bars, as the user runs it): ${pipe.seconds.toFixed(1)} s`);
    console.log(`  backtest from the command to exit: ${bt.seconds.toFixed(2)} s (goal < 10 s), Node start and tsx included`);
    console.log(`  the CLI's own figures: ${figures.trim()}`);
  } finally {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
