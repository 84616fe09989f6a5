/**
 * The CLI's exit codes, one per outcome a CI job may want to tell apart (documented in apps/cli/README.md and the
 * root README). 99 is k6's "thresholds have failed", so that pipelines written for k6 read ours the same way.
 */
export const EXIT = {
  /** Done: the command succeeded; for `run`, the run finished and every threshold held. */
  ok: 0,
  /** Something unexpected went wrong in the CLI itself (a bug: please report it). */
  internal: 1,
  /** Bad usage (unknown option, missing argument, bad value) or an invalid plan (validate, import, run). */
  usage: 2,
  /** The master cannot be reached (refused, DNS, time-out) or did not answer like a master. */
  unreachable: 3,
  /** The master refused the request: authentication, permission, not found, conflict, or its own error. */
  refused: 4,
  /** The run ended without finishing: it failed (e.g. its workers), or was stopped or interrupted by someone else. */
  runNotFinished: 97,
  /** A threshold with abortOnFail failed and aborted the run. */
  thresholdAborted: 98,
  /** The run finished, and at least one threshold failed (k6's code). */
  thresholdFailed: 99,
  /** Ctrl-C: the run was stopped on the master (the summary is still printed). 128 + SIGINT, as shells report it. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
