import { Option, type Command } from 'commander';
import { CliError } from '../cli-error.js';
import { EXIT } from '../exit-codes.js';

/** Where the master is and how to authenticate, from `--master`/`--token` or LOADTEST_MASTER/LOADTEST_TOKEN. */
export interface MasterTarget {
  /** The master's base URL without a trailing slash, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** An API token (`lt_…`), sent as `Authorization: Bearer …`. */
  token: string | undefined;
}

/** Adds `--master` and `--token` to a command; commander reads the environment variables when the options are absent. */
export function withMasterOptions(command: Command): Command {
  return command
    .addOption(new Option('--master <url>', "the master's URL, e.g. http://127.0.0.1:8080").env('LOADTEST_MASTER'))
    .addOption(new Option('--token <token>', 'an API token of the master (lt_…)').env('LOADTEST_TOKEN'));
}

/** The master target from a command's options; a missing or malformed URL is a usage error. */
export function masterTarget(options: { master?: string | undefined; token?: string | undefined }): MasterTarget {
  const raw = options.master?.trim();
  if (!raw) throw new CliError('no master given: pass --master URL (or set LOADTEST_MASTER)', EXIT.usage);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`--master ${JSON.stringify(raw)} is not a URL (e.g. http://127.0.0.1:8080)`, EXIT.usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`--master must be an http(s) URL, not ${url.protocol}`, EXIT.usage);
  const token = options.token?.trim();
  return { url: url.toString().replace(/\/+$/, ''), token: token === '' ? undefined : token };
}
