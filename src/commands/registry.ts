/** The command registry: the one list every transport builds its menus and help from. */
import { backtestCommand, backtestsCommand } from './backtest.commands.js';
import { modelCommand, modelsCommand } from './models.commands.js';
import type { CommandServices } from './command-services.js';
import type { CommandDefinition } from './command.types.js';
import { helpCommand } from './help.command.js';
import { picksCommand } from './picks.command.js';
import { leaderboardCommand } from './leaderboard.command.js';
import { whyCommand } from './why.command.js';
import { pipelineCommand } from './pipeline.command.js';
import { positionsCommand } from './positions.command.js';
import { statusCommand } from './status.command.js';
import { emergencyStopCommand, pauseCommand, resumeCommand } from './trading-state.commands.js';
import { closeAllCommand, closeCommand } from './close.commands.js';
import { ordersCommand, performanceCommand, tradesCommand } from './history.commands.js';
import { riskCommand, setRiskCommand } from './risk.commands.js';
import { alertsCommand } from './alerts.command.js';
import { jobsCommand, runCommand } from './jobs.commands.js';
import { whoamiCommand } from './whoami.command.js';
import { dailyCommand, weeklyCommand } from './report.commands.js';

export function buildCommands(s: CommandServices): CommandDefinition[] {
  const list: CommandDefinition[] = [
    statusCommand(s), picksCommand(s), whyCommand(s), leaderboardCommand(s), positionsCommand(s), ordersCommand(s), tradesCommand(s), performanceCommand(s), dailyCommand(s), weeklyCommand(s), riskCommand(s),
    pipelineCommand(s), jobsCommand(s), runCommand(s), alertsCommand(s), pauseCommand(s), resumeCommand(s), setRiskCommand(s), closeCommand(s),
    closeAllCommand(s), emergencyStopCommand(s), whoamiCommand(), backtestCommand(s), backtestsCommand(s), modelsCommand(s), modelCommand(s),
  ];
  list.push(helpCommand(() => list));
  return list;
}
