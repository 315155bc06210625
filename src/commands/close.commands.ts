/** /close SYMBOL and /close_all: an admin closes positions at market, after confirming. The trading state
 * does not change (use /pause or /emergency_stop for that). */
import { UserError } from '../domain/errors.js';
import type { CommandServices } from './command-services.js';
import type { CommandDefinition } from './command.types.js';

const SYMBOL = /^[A-Z0-9][A-Z0-9.\-/^=]{0,19}$/;

async function checkSymbol(s: CommandServices, args: string[]): Promise<string> {
  if (args.length !== 1) throw new UserError('usage: /close SYMBOL, e.g. /close AAPL');
  const symbol = args[0]!.toUpperCase();
  if (!SYMBOL.test(symbol)) throw new UserError(`"${args[0]}" is not a symbol`);
  const held = (await s.repos.trading.positions()).map((p) => p.symbol);
  if (!held.includes(symbol)) throw new UserError(`no open position in ${symbol}${held.length ? `; held: ${held.join(', ')}` : '; nothing is held'}`);
  return symbol;
}

export function closeCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'close', description: 'Close one position at market', usage: '/close SYMBOL', minRole: 'admin', dangerous: true,
    options: [{ name: 'symbol', description: 'A symbol Tiller holds', type: 'string', required: true, autocomplete: 'held_symbol' }],
    validate: async (args) => void (await checkSymbol(s, args)),
    async run({ args }) {
      const result = await s.halt.close(await checkSymbol(s, args));
      return { kind: 'closed', result, currency: s.config.market.currency };
    },
  };
}

export function closeAllCommand(s: CommandServices): CommandDefinition {
  return {
    name: 'close_all', description: 'Close every position at market (trading state unchanged)', usage: '/close_all', minRole: 'admin', dangerous: true,
    validate: async (args) => {
      if (args.length > 0) throw new UserError('usage: /close_all (no arguments)');
      if ((await s.repos.trading.positions()).length === 0) throw new UserError('nothing to close: there are no open positions');
    },
    async run() {
      return { kind: 'closed', result: await s.halt.closeAll(), currency: s.config.market.currency };
    },
  };
}
