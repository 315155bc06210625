/** Trade alerts keep the fill price, the fee and the fee-inclusive cost apart, each labelled. */
import { describe, expect, it } from 'vitest';
import { plainMarkup } from '../../bots/shared/markup.js';
import { renderAlert } from '../../bots/shared/render-alert.js';

describe('trade alerts', () => {
  it('label the fill price, the fee and the cost including it', () => {
    // 65 × 153.66 = 9,987.90; with a 1.00 fee the position's cost basis is 9,988.90 (153.6754 a share).
    expect(renderAlert({ type: 'trade_opened', symbol: 'AAPL', qty: 65, price: 153.66, fee: 1, stopLoss: 148.01, target: 160.12, day: '2017-06-02' }, plainMarkup, 'USD'))
      .toBe('🟢 Opened AAPL: bought 65 at the fill price 153.66, fee 1.00 USD, cost 9,988.90 USD; stop 148.01, target 160.12 (2017-06-02)');
    expect(renderAlert({ type: 'trade_opened', symbol: 'AAPL', qty: 65, price: 153.66, stopLoss: 148.01, target: 160.12, day: '2017-06-02' }, plainMarkup, 'USD'))
      .toBe('🟢 Opened AAPL: bought 65 at the fill price 153.66; stop 148.01, target 160.12 (2017-06-02)');
    expect(renderAlert({ type: 'trade_closed', symbol: 'AAPL', qty: 65, entryPrice: 153.6754, exitPrice: 160.12, pnl: 417.92, reason: 'target', day: '2017-06-20' }, plainMarkup, 'USD'))
      .toBe('✅ Closed AAPL (target): sold 65 at the fill price 160.12; cost per share 153.6754 with the entry fee; P&L after fees +417.92 USD (2017-06-20)');
  });
});

describe('pipeline alerts', () => {
  it('a partial run names the count and each example symbol with its reason', () => {
    expect(renderAlert({ type: 'pipeline_partial', day: '2017-12-29', failed: 2, symbols: 36, examples: ['A B: invalid symbol', 'EMPTY: header lacks column(s) date'], runId: 4 }, plainMarkup, 'USD'))
      .toBe('⚠️ Pipeline partial for 2017-12-29: 2 of 36 symbol(s) not stored; the others were. See /pipeline.\n• A B: invalid symbol\n• EMPTY: header lacks column(s) date');
  });
});
