import { Command } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { importCommand } from './commands/import/import-command.js';
import { reportCommand } from './commands/report/report-command.js';
import { runCommand } from './commands/run/run-command.js';
import { runsCommand } from './commands/runs/runs-command.js';
import { validateCommand } from './commands/validate/validate-command.js';
import type { Output } from './output/output.js';
import type { CommandStatus } from './run-status.js';

/**
 * The `loadtest` command line: commander parses every argument (no hand-written parsing). Commander's errors are thrown
 * (`exitOverride`) rather than ending the process, so that main.ts turns them into the documented exit code.
 */
export function buildProgram(out: Output, status: CommandStatus): Command {
  const program = new Command('loadtest')
    .description('Validate, import and run load-test plans; read and compare runs of a loadtest master.')
    .version(packageJson.version, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => out.write(text),
      writeErr: (text) => out.writeError(text),
      outputError: (text, write) => write(out.colors.red(text)),
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok · 2 bad usage or invalid plan · 3 master unreachable · 4 master refused · 97 run failed or stopped · 98 a threshold aborted the run · 99 a threshold failed · 130 Ctrl-C\nSee apps/cli/README.md.',
    );
  validateCommand(program, out);
  importCommand(program, out);
  runCommand(program, out, status);
  runsCommand(program, out);
  reportCommand(program, out);
  return program;
}
