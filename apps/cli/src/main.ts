import { EXIT } from './exit-codes.js';
import { main, reportError } from './cli.js';
import { processOutput } from './output/output.js';

// The `loadtest` entry (bin/loadtest.mjs imports it; `node --import tsx apps/cli/src/main.ts` runs it too).
const out = processOutput();
// `loadtest runs list | head`: the reader went away; that is no error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT.ok);
});
process.on('unhandledRejection', (error) => process.exit(reportError(error, out)));
process.on('uncaughtException', (error) => process.exit(reportError(error, out)));
// process.exit, not exitCode: an open socket or timer must not keep a finished command alive (stdout and stderr are
// synchronous for files and pipes on Linux, so nothing written is lost).
process.exit(await main(process.argv, out));
