import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the dashboard's built files are: `LOADTEST_DASHBOARD_DIR` when set, else the workspace's
 * `dist/apps/dashboard` (the dashboard's build output), found by walking up from this module — which
 * works from the sources, from `npm start`'s bundle (apps/master/.start-bundle) and from dist/apps/master.
 * Null when it has not been built.
 */
export function dashboardDir(env: NodeJS.ProcessEnv = process.env, from: string = fileURLToPath(import.meta.url)): string | null {
  const configured = env.LOADTEST_DASHBOARD_DIR;
  if (configured) return existsSync(join(configured, 'index.html')) ? resolve(configured) : null;
  let dir = dirname(from);
  for (let level = 0; level < 8; level++) {
    const candidate = join(dir, 'dist', 'apps', 'dashboard');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}
