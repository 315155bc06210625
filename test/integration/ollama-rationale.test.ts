/** Pick rationales from a local LLM through the real `ollama` library against a fake Ollama server, on real
 * PostgreSQL with real bars: the traded picks get the model's paragraph (one JSON answer or streamed NDJSON);
 * a slow, down, failing, malformed, empty or inventive answer, or a model not pulled, keeps the template
 * rationale with the reason, and the picks are stored either way. Without OLLAMA_HOST nothing is asked. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createApp, type App } from '../../src/main.js';
import { ManualClock } from '../../src/ports/clock.port.js';
import { checkAnswer } from '../../src/picks/pick-rationales.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { SP500_DIR } from '../helpers/tiller-process.js';
import { UNIVERSE } from '../helpers/shared-work.js';
import { FakeOllama } from '../fakes/ollama-api.js';

const TRADE_DAY = '2017-06-02';
type Run = { rationale: { by: string | null; written: number; fallback: Array<{ symbol: string; reason: string }> } };

describe('pick rationales from a local LLM', () => {
  let db: TestDatabase;
  let config: AppConfig;
  let ollama: FakeOllama;
  let host = '';
  const apps: App[] = [];

  const picksWith = async (tweak: (c: AppConfig) => AppConfig) => {
    const app = await createApp(tweak(config), { clock: new ManualClock(new Date(`${TRADE_DAY}T12:00:00Z`)), log: createLogger('silent') });
    apps.push(app);
    const run = (await app.handlers.picks(TRADE_DAY, 'test')) as Run;
    const stored = (await app.db.pool.query('select profile, strategy, symbol, rationale, traded from picks where day = $1 order by traded desc, strategy, profile, rank', [TRADE_DAY])).rows as Array<{ profile: string; strategy: string; symbol: string; rationale: string; traded: boolean }>;
    return { run: run.rationale, stored, traded: stored.filter((r) => r.traded) };
  };
  const withOllama = (extra: Partial<AppConfig['rationale']> = {}, h = host) => (c: AppConfig): AppConfig => ({ ...c, ollamaHost: h, rationale: { ...c.rationale, ...extra } });

  beforeAll(async () => {
    db = await createTestDatabase();
    ollama = new FakeOllama();
    host = await ollama.start();
    const base = loadConfig({ env: { DATABASE_URL: db.url, MARKET_DATA: 'csv', MARKET_DATA_DIR: SP500_DIR, CONSOLE_CHAT: 'off', TILLER_VAR_DIR: `/tmp/tiller-llm-${process.pid}` }, dotenvDir: null });
    config = { ...base, marketData: { ...base.marketData, universe: UNIVERSE, historyDays: 1100 } };
    const app = await createApp(config, { clock: new ManualClock(new Date(`${TRADE_DAY}T12:00:00Z`)), log: createLogger('silent') });
    apps.push(app);
    await app.handlers.pipeline(TRADE_DAY, 'test');
  }, 120_000);
  afterAll(async () => {
    for (const a of apps) await a.close();
    await ollama?.stop();
    await db?.drop();
  });

  it('without OLLAMA_HOST asks nothing and keeps the template rationales', async () => {
    const { run, traded } = await picksWith((c) => c);
    expect(run).toEqual({ by: null, written: 0, fallback: [] });
    expect(ollama.chats).toHaveLength(0);
    expect(traded.every((r) => r.rationale.startsWith('baseline-momentum-12-1: score ranked'))).toBe(true);
  });

  it('stores the model\'s paragraph for every traded pick, built from the pick\'s facts only, answered whole or streamed', async () => {
    for (const stream of [false, true]) {
      ollama.chats.length = 0;
      const { run, traded, stored } = await picksWith(withOllama({ stream }));
      expect(run).toEqual({ by: 'ollama llama3.2', written: traded.length, fallback: [] });
      expect(traded.length).toBe(10);
      expect(ollama.chats).toHaveLength(10);
      expect(ollama.chats.every((c) => c.model === 'llama3.2' && c.stream === stream)).toBe(true);
      for (const r of traded) {
        const asked = ollama.chats.filter((c) => c.prompt.startsWith(`Symbol: ${r.symbol} `) && c.prompt.includes(`, ${r.profile} profile,`));
        expect(asked, `${r.symbol} ${r.profile}`).toHaveLength(1);
        expect(r.rationale).toBe(FakeOllama.answerFor(asked[0]!.prompt));
      }
      expect(ollama.chats[0]!.system).toMatch(/in English\. .*Amounts are in USD/);
      // Only the traded set is written by the LLM; every other strategy keeps its template.
      expect(stored.filter((r) => !r.traded).every((r) => !r.rationale.includes('by its strategy today'))).toBe(true);
    }
  });

  it('keeps the template, with the reason, when Ollama is slow, down, failing, malformed, empty, inventive or lacks the model', async () => {
    const cases: Array<[string, () => void, (c: AppConfig) => AppConfig, RegExp]> = [
      ['slow', () => { ollama.mode = 'slow'; ollama.slowMs = 1_500; }, withOllama({ timeoutMs: 300, budgetMs: 60_000 }), /^Ollama chat: no answer within 300 ms$/],
      ['error', () => { ollama.mode = 'error'; }, withOllama(), /^Ollama chat: llama runner process has terminated/],
      ['malformed', () => { ollama.mode = 'malformed'; }, withOllama(), /^Ollama chat: /],
      ['empty', () => { ollama.mode = 'empty'; }, withOllama(), /^the answer is too short \(0 characters\)$/],
      ['invent', () => { ollama.mode = 'invent'; }, withOllama(), /^the answer states 42, which is not among the facts$/],
      ['missing model', () => { ollama.mode = 'facts'; }, withOllama({ model: 'mistral' }), /^the Ollama server has no model mistral \(it has llama3\.2:latest; run `ollama pull mistral`\)$/],
      ['down', () => { ollama.mode = 'facts'; }, withOllama({}, 'http://127.0.0.1:9'), /^Ollama list models: fetch failed$/],
    ];
    for (const [name, set, tweak, why] of cases) {
      set();
      const { run, traded } = await picksWith(tweak);
      expect(run.written, name).toBe(0);
      expect(run.fallback.map((f) => f.symbol), name).toEqual(traded.map((r) => r.symbol));
      for (const f of run.fallback) expect(f.reason, name).toMatch(why);
      expect(traded.every((r) => r.rationale.startsWith('baseline-momentum-12-1: score ranked')), name).toBe(true);
    }
    ollama.mode = 'facts';
  }, 120_000);

  it('stops asking once the budget is spent: the picks never wait longer than it', async () => {
    ollama.mode = 'slow';
    ollama.slowMs = 400;
    ollama.chats.length = 0;
    const { run } = await picksWith(withOllama({ timeoutMs: 5_000, budgetMs: 1_000 }));
    ollama.mode = 'facts';
    // 400 ms an answer within a 1 s budget: two or three are written, the rest keep the template.
    expect(run.written).toBeGreaterThanOrEqual(1);
    expect(run.written).toBeLessThan(10);
    expect(ollama.chats.length).toBe(run.written);
    expect(run.fallback).toHaveLength(10 - run.written);
    expect(run.fallback.every((f) => f.reason === 'the rationale budget of 1000 ms was spent')).toBe(true);
  });

  it('accepts only numbers that are among the facts (rounding and a decimal comma allowed)', () => {
    const facts = 'Symbol: AAPL\nEntry at the last close 153.66 USD; target 160.12 USD; stop 148.01 USD\nIndicators: RSI 61.2; return over 63 days +12.4 %';
    expect(checkAnswer('AAPL enters at 153.66 USD, aiming for 160.12 with a stop at 148.01; RSI is 61.', 'AAPL', facts)).toBeNull();
    expect(checkAnswer('AAPL rose 12,4 % over 63 days and enters at 153.7 USD with its stop at 148 USD.', 'AAPL', facts)).toBeNull();
    expect(checkAnswer('AAPL enters at 153.66 USD and should reach 175 USD within weeks, says the model.', 'AAPL', facts)).toBe('the answer states 175, which is not among the facts');
    expect(checkAnswer('The stock enters at 153.66 USD with a target of 160.12 USD and a stop at 148.01.', 'AAPL', facts)).toBe('the answer does not name AAPL');
  });
});
