import { EXIT, type ExitCode } from './exit-codes.js';

/** The exit code a command decided on without an error to tell (a failed threshold is an outcome, not an error). */
export interface CommandStatus {
  exitCode: ExitCode;
}

export function commandStatus(): CommandStatus {
  return { exitCode: EXIT.ok };
}
