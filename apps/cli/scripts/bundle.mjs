// Bundles the CLI into one self-contained ES module, dist/apps/cli/loadtest.mjs (and the engine thread it starts,
// engine-thread.js beside it), npm packages included: unlike the
// master's and the worker's bundles (tools/build/bundle-app.mjs, which leave packages to node_modules), the CLI is a
// file to copy into a CI image, and its packages (yaml 2, commander) differ from the versions hoisted at the root.
// usage: node scripts/bundle.mjs [outdir]
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const outdir = resolve(process.argv[2] ?? '../../dist/apps/cli');
rmSync(outdir, { recursive: true, force: true });
const outfile = join(outdir, 'loadtest.mjs');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
  // ws's optional native speed-ups: absent is fine, ws falls back to JavaScript.
  external: ['bufferutil', 'utf-8-validate'],
  // CommonJS packages inside an ES module bundle still call require() for Node's built-ins.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __loadtestCreateRequire } from 'node:module';\nconst require = __loadtestCreateRequire(import.meta.url);",
  },
};
// The engine threads of a local run (`loadtest run` without --master) load engine-thread.js from beside the CLI.
await Promise.all([
  build({ ...common, entryPoints: ['src/main.ts'], outfile }),
  build({ ...common, entryPoints: ['../../libs/engine/src/engine-thread.ts'], outfile: join(outdir, 'engine-thread.js') }),
]);
chmodSync(outfile, 0o755);
