// `npm start`: runs the master (and its local worker threads) from JavaScript bundles
// instead of compiling TypeScript at every start. The bundles are rebuilt only when
// missing or stale, keyed by a hash of the sources, this file and the lockfile; they
// are also built by `postinstall`, so that a first start does not pay for it.
//
// usage: node tools/start/start.mjs            build if needed, then run the master here
//        node tools/start/start.mjs --build    build if needed, and exit
//
// The dashboard (apps/dashboard, a Vite app the master serves at /) is built the same way, into
// dist/apps/dashboard, when missing or stale (its own hash, in dist/.dashboard-sources.sha256).
//
// Layout (mirrors dist/apps/…, so that the master finds its migrations at
// ../../prisma/migrations and its worker thread at ../worker/thread.js):
//   apps/master/.start-bundle/master/main.js
//   apps/master/.start-bundle/worker/thread.js, engine-thread.js
// Inside apps/master, npm packages resolve exactly as from the sources.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const startedAt = performance.now();
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(ROOT, 'apps/master/.start-bundle');
const STAMP = join(OUT, 'sources.sha256');
const MASTER = join(OUT, 'master/main.js');

/** Every file whose change must rebuild the bundles. */
function inputs() {
  const files = [
    join(ROOT, 'package-lock.json'),
    fileURLToPath(import.meta.url),
    join(ROOT, 'apps/master/package.json'),
    join(ROOT, 'apps/worker/package.json'),
  ];
  walkFiles(join(ROOT, 'apps/master/src'), files);
  walkFiles(join(ROOT, 'apps/worker/src'), files);
  for (const lib of readdirSync(join(ROOT, 'libs'))) {
    walkFiles(join(ROOT, 'libs', lib, 'src'), files);
    if (existsSync(join(ROOT, 'libs', lib, 'package.json'))) files.push(join(ROOT, 'libs', lib, 'package.json'));
  }
  return files.sort();
}

function walkFiles(dir, files) {
  if (!existsSync(dir)) return files;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walkFiles(path, files);
    else files.push(path);
  }
  return files;
}

const DASHBOARD = join(ROOT, 'apps/dashboard');
const DASHBOARD_OUT = join(ROOT, 'dist/apps/dashboard');
// Beside the output, not in it: `nx build dashboard` (vite build) empties the output folder.
const DASHBOARD_STAMP = join(ROOT, 'dist/.dashboard-sources.sha256');

function dashboardInputs() {
  const files = walkFiles(join(DASHBOARD, 'src'), [
    join(ROOT, 'package-lock.json'),
    join(DASHBOARD, 'index.html'),
    join(DASHBOARD, 'vite.config.ts'),
    join(DASHBOARD, 'package.json'),
  ]);
  return files.filter((file) => existsSync(file)).sort();
}

/** Builds the dashboard with Vite when its sources changed since the last build. */
async function buildDashboardIfStale() {
  if (!existsSync(DASHBOARD)) return;
  const hash = hashOf(dashboardInputs());
  if (existsSync(join(DASHBOARD_OUT, 'index.html')) && existsSync(DASHBOARD_STAMP) && readFileSync(DASHBOARD_STAMP, 'utf8').trim() === hash) return;
  const began = performance.now();
  // Vite is the dashboard's own dependency (installed under apps/dashboard when not hoisted); its output goes to
  // stderr, as stdout carries the master's JSON log lines.
  const vite = [join(DASHBOARD, 'node_modules/vite/bin/vite.js'), join(ROOT, 'node_modules/vite/bin/vite.js')].find((bin) => existsSync(bin));
  if (!vite) throw new Error('cannot build the dashboard: vite is not installed (run npm ci)');
  // A production build whatever NODE_ENV says (a test runner's `test` would give React's development build).
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: DASHBOARD,
    stdio: ['ignore', 2, 2],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  writeFileSync(DASHBOARD_STAMP, `${hash}\n`);
  process.stderr.write(`start: built the dashboard in ${Math.round(performance.now() - began)} ms (${relative(ROOT, DASHBOARD_OUT)})\n`);
}

function hashOf(files) {
  const hash = createHash('sha256');
  for (const file of files) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function sourcesHash() {
  return hashOf(inputs());
}

const externalNpmPackages = {
  name: 'externalise-npm-packages',
  setup(b) {
    // Our workspace libraries are compiled in; npm packages (Prisma's runtime, native modules…) stay external.
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@loadtest/') ? undefined : { path: args.path, external: true }));
  },
};

async function build(hash) {
  const { build: esbuild } = await import('esbuild');
  // Built aside, then moved in place: two starts at once never run a half-written bundle.
  const tmp = `${OUT}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'esm', sourcemap: 'linked', logLevel: 'warning', plugins: [externalNpmPackages] };
  try {
    await Promise.all([
      esbuild({ ...common, entryPoints: [join(ROOT, 'apps/master/src/main.ts')], outdir: join(tmp, 'master') }),
      esbuild({
        ...common,
        entryPoints: [join(ROOT, 'apps/worker/src/thread.ts'), join(ROOT, 'apps/worker/src/engine-thread.ts')],
        outdir: join(tmp, 'worker'),
      }),
    ]);
    writeFileSync(join(tmp, 'sources.sha256'), `${hash}\n`);
    rmSync(OUT, { recursive: true, force: true });
    renameSync(tmp, OUT);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    // Another start built the same sources meanwhile.
    if (!(existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === hash)) throw error;
  }
}

const buildOnly = process.argv.includes('--build');
const hash = sourcesHash();
const current = existsSync(STAMP) && existsSync(MASTER) ? readFileSync(STAMP, 'utf8').trim() : '';
if (current !== hash) {
  const began = performance.now();
  await build(hash);
  // stderr: stdout carries the master's JSON log lines.
  process.stderr.write(`start: built the bundles in ${Math.round(performance.now() - began)} ms (${relative(ROOT, OUT)})\n`);
}
await buildDashboardIfStale();
if (!buildOnly) {
  // The master's "master ready" log counts its start-up from here.
  process.env.LOADTEST_START_BEGAN_MS ??= String(Math.round(performance.timeOrigin + startedAt));
  // Source maps are written beside the bundles but not enabled by default: enabling them costs start-up time
  // (the maps are parsed as the bundles load). Stack traces name the bundle's lines, which are readable
  // (not minified, each module headed by its source path); NODE_OPTIONS=--enable-source-maps maps them.
  await import(pathToFileURL(MASTER).href);
}
