import { CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { processOutput, type Output } from './output/output.js';
import { buildProgram } from './program.js';
import { commandStatus } from './run-status.js';

/** Tells the user what went wrong, in words and never with a stack trace (unless LOADTEST_DEBUG asks for it), and picks the exit code. */
export function reportError(error: unknown, out: Output): ExitCode {
  if (error instanceof CommanderError) {
    // Commander has printed its message (or the help, or the version) already.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof CliError) {
    out.error(`${out.colors.red('error:')} ${error.message}`);
    for (const detail of error.details) out.error(`  ${detail}`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  out.error(`${out.colors.red('internal error:')} ${message}`);
  out.error('  this is a bug in loadtest: please report it (LOADTEST_DEBUG=1 prints the stack trace)');
  if (process.env.LOADTEST_DEBUG && error instanceof Error && error.stack) out.error(error.stack);
  return EXIT.internal;
}

/** Runs the command line and returns the exit code. */
export async function main(argv: readonly string[], out: Output = processOutput()): Promise<ExitCode> {
  const status = commandStatus();
  try {
    await buildProgram(out, status).parseAsync([...argv]);
    return status.exitCode;
  } catch (error) {
    return reportError(error, out);
  }
}
