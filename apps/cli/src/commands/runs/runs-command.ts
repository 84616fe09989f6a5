import type { Command } from 'commander';
import type { Output } from '../../output/output.js';
import { runsCompareCommand } from './runs-compare.js';
import { runsListCommand } from './runs-list.js';
import { runsShowCommand } from './runs-show.js';

/** `loadtest runs list|show|compare`, against a master's REST API. */
export function runsCommand(program: Command, out: Output): void {
  const runs = program.command('runs').description("read a master's runs: list, show, compare");
  runsListCommand(runs, out);
  runsShowCommand(runs, out);
  runsCompareCommand(runs, out);
}
