#!/usr/bin/env node
// The `loadtest` command (npm links it into node_modules/.bin as a workspace bin). It runs the CLI's bundle,
// dist/apps/cli/loadtest.mjs (which `npm ci` builds), when the bundle is newer than every source it is made of: it
// starts in about half a second, where compiling the TypeScript sources through tsx takes seconds, and a run's first
// progress line is due within 2 s of the command. Otherwise (sources edited since, no bundle) it runs the sources
// through tsx's loader registered in this very process, so that nothing needs building. Either way Ctrl-C and the
// exit code belong to the CLI itself rather than to a wrapper process.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = join(CLI, '../..');
const BUNDLE = join(ROOT, 'dist/apps/cli/loadtest.mjs');
const ENGINE_THREAD = join(ROOT, 'dist/apps/cli/engine-thread.js');

/** The newest modification time under `path` (a file or a folder), in ms; 0 when absent. */
function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** The bundle is built from the CLI's sources, every library's, the packages' manifests and the lockfile. */
function bundleIsFresh() {
  if (process.env.LOADTEST_CLI_FROM_SOURCE === '1' || !existsSync(BUNDLE) || !existsSync(ENGINE_THREAD)) return false;
  const built = Math.min(statSync(BUNDLE).mtimeMs, statSync(ENGINE_THREAD).mtimeMs);
  const sources = [join(CLI, 'src'), join(CLI, 'package.json'), join(ROOT, 'package-lock.json')];
  for (const lib of readdirSync(join(ROOT, 'libs'))) sources.push(join(ROOT, 'libs', lib, 'src'), join(ROOT, 'libs', lib, 'package.json'));
  return sources.every((path) => newest(path) < built);
}

if (bundleIsFresh()) {
  await import(BUNDLE);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
