/** Scale: synthetic universes (seeded random walks on the recorded calendar, 2013-02-08..2018-02-07) of
 * 505 and 5,000 symbols through the full pipeline and `tiller backtest`, each in its own process, with peak
 * RSS. Needs the local PostgreSQL and a few GB of free disk. */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { seededRandom } from '../src/backtest/monte-carlo.js';
import { ADMIN_URL } from '../test/helpers/database.js';
import { childEnv, ROOT, SP500_DIR } from '../test/helpers/tiller-process.js';

function writeUniverse(dir: string, n: number): number {
  const days = readFileSync(path.join(SP500_DIR, 'daily', 'AAPL.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]!);
  mkdirSync(path.join(dir, 'daily'), { recursive: true });
  const rnd = seededRandom(7);
  let bars = 0;
  for (let k = 0; k < n; k++) {
    const symbol = k === 0 ? 'AAPL' : `S${String(k).padStart(4, '0')}`;
    let close = 20 + rnd() * 200;
    const drift = (rnd() - 0.45) * 0.001;
    const vol = 0.01 + rnd() * 0.02;
    const lines = ['date,open,high,low,close,volume'];
    for (const d of days) {
      const open = close * (1 + (rnd() - 0.5) * vol * 0.5);
      close = Math.max(1, close * (1 + drift + (rnd() + rnd() + rnd() - 1.5) * vol));
      const high = Math.max(open, close) * (1 + rnd() * vol * 0.5);
      const low = Math.min(open, close) * (1 - rnd() * vol * 0.5);
      lines.push(`${d},${open.toFixed(4)},${high.toFixed(4)},${low.toFixed(4)},${close.toFixed(4)},${Math.round(1e5 + rnd() * 5e6)}`);
    }
    writeFileSync(path.join(dir, 'daily', `${symbol}.csv`), `${lines.join('\n')}\n`);
    bars += days.length;
  }
  return bars;
}

function run(cmd: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; seconds: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, cmd, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', () => undefined);
    child.on('exit', (code) => resolve({ code, out, seconds: (performance.now() - t0) / 1000 }));
  });
}

export async function benchScale(): Promise<void> {
  console.log('scale: synthetic universes (no market caps, so the aggressive profile) through the full pipeline and `tiller backtest` 2014-02-10..2018-02-07, each in its own process');
  for (const n of [505, 5000]) {
    const dir = mkdtempSync(path.join(tmpdir(), `tiller-scale-${n}-`));
    let url: string | null = null;
    try {
      const bars = writeUniverse(dir, n);
      const p = await run(['--expose-gc', '--import', 'tsx', path.join(ROOT, 'bench/pipeline-run.ts')], { ...process.env as Record<string, string>, BENCH_DATA_DIR: dir, BENCH_KEEP_DB: '1' });
      if (p.code !== 0) throw new Error(`pipeline for ${n} symbols failed`);
      const f = JSON.parse(p.out.trim().split('\n').at(-1)!) as { databaseUrl: string; fullSeconds: number; maxRssMb: number; candles: number };
      url = f.databaseUrl;
      const own = path.join(dir, 'own.yaml');
      writeFileSync(own, 'marketData:\n  historyDays: 2000\n');
      const b = await run(['--import', 'tsx', path.join(ROOT, 'src/cli.ts'), 'backtest', '--from', '2014-02-10', '--to', '2018-02-07', '--strategy', 'momentum-trend', '--profile', 'aggressive', '--out', path.join(dir, 'bt')],
        childEnv({ DATABASE_URL: url, MARKET_DATA: 'csv', MARKET_DATA_DIR: dir, TILLER_CONFIG: own, TILLER_VAR_DIR: dir, CONSOLE_CHAT: 'off' }));
      const line = b.out.split('\n').find((l) => l.includes('after loading'))?.trim() ?? `backtest exited ${b.code}`;
      console.log(`  ${n} symbols, ${bars.toLocaleString('en-US')} bars (${f.candles.toLocaleString('en-US')} stored): pipeline ${f.fullSeconds.toFixed(1)} s, peak RSS ${f.maxRssMb.toFixed(0)} MB`);
      console.log(`    backtest ${b.seconds.toFixed(1)} s from the command: ${line}`);
    } finally {
      if (url) {
        const name = new URL(url).pathname.slice(1);
        const c = new pg.Client({ connectionString: ADMIN_URL });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
