import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { prodPackage, readBundle, type Lockfile } from './prod-package.js';

/**
 * usage: tsx tools/images/src/prod-package-main.ts <app>... (from the repository's root, after `npm run build`)
 * Writes dist/apps/<app>/package.json and package-lock.json, what the image's `npm ci --omit=dev` installs.
 */
const root = resolve(import.meta.dirname, '../../..');
const apps = process.argv.slice(2);
if (apps.length === 0) {
  process.stderr.write('usage: prod-package-main.ts <app>...\n');
  process.exit(2);
}
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as Lockfile;
for (const app of apps) {
  const dir = join(root, 'dist/apps', app);
  if (!existsSync(join(dir, 'main.js'))) {
    process.stderr.write(`${dir}/main.js is missing: run npm run build first\n`);
    process.exit(1);
  }
  const result = prodPackage({ app, appPath: `apps/${app}`, bundleCode: readBundle(dir), lock });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(result.packageJson, null, 2)}\n`);
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(result.lockfile, null, 2)}\n`);
  // npm completes the seed: it drops what the app does not need and resolves what the seed leaves open.
  execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  const names = Object.entries(result.packageJson.dependencies).map(([name, version]) => `${name}@${version}`);
  process.stdout.write(`${app}: ${names.length} production dependencies: ${names.join(' ')}\n`);
  if (result.dynamic.length > 0) process.stdout.write(`${app}: computed imports left out (not used in an image): ${result.dynamic.join(', ')}\n`);
}
