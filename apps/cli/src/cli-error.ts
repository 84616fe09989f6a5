import type { ExitCode } from './exit-codes.js';

/**
 * An error the user is told about in plain words (never with a stack trace), ending the command with `exitCode`.
 * `details` are further lines, such as one per field of an invalid plan.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}
