import { ATR } from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { deriveMetrics } from '../../src/market/derived-metrics.js';
import { toBarColumns } from '../../src/market/indicators.js';
import { sp500Bars } from '../helpers/sp500-bars.js';

describe('derived metrics', () => {
  it('match their definitions on a real year of bars (ATR against technicalindicators)', () => {
    const candles = sp500Bars('KO').slice(-262);
    const m = deriveMetrics('KO', toBarColumns(candles))!;
    const closes = candles.map((c) => c.close);
    const atr = ATR.calculate({ high: candles.map((c) => c.high), low: candles.map((c) => c.low), close: closes, period: 14 }).at(-1)!;
    expect(m.atrPct!).toBeCloseTo(atr / closes.at(-1)!, 10);
    const year = candles.slice(-252);
    expect(m.high52w).toBe(Math.max(...year.map((c) => c.high)));
    expect(m.low52w).toBe(Math.min(...year.map((c) => c.low)));
    const last20 = candles.slice(-20);
    expect(m.avgTurnover20!).toBeCloseTo(last20.reduce((s, c) => s + c.close * c.volume, 0) / 20, 6);
    const r = closes.slice(-21).map((c, i, a) => (i === 0 ? 0 : Math.log(c / a[i - 1]!))).slice(1);
    const mean = r.reduce((a, b) => a + b) / 20;
    expect(m.volatility20!).toBeCloseTo(Math.sqrt((r.reduce((a, b) => a + (b - mean) ** 2, 0) / 20) * 252), 12);
    expect(m.bars).toBe(262);
    expect(m.day).toBe(candles.at(-1)!.day);
  });

  it('leaves out what too short a history cannot give', () => {
    const m = deriveMetrics('X', toBarColumns(sp500Bars('KO').slice(0, 10)))!;
    expect([m.volatility20, m.volatility60, m.atrPct, m.avgTurnover20]).toEqual([null, null, null, null]);
    expect(deriveMetrics('X', toBarColumns([]))).toBeNull();
  });
});
