// Bundles an app's entry points into plain ES modules for production images:
// our workspace libraries (@loadtest/*) are compiled in, npm packages stay external.
// usage: node tools/build/bundle-app.mjs <entry.ts>... --outdir <dir> [--copy <from>:<to>]...
import { build } from 'esbuild';
import { cpSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const entries = [];
const copies = [];
let outdir;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--outdir') outdir = args[++i];
  else if (args[i] === '--copy') copies.push(args[++i].split(':'));
  else entries.push(args[i]);
}
if (!outdir || entries.length === 0) {
  process.stderr.write('usage: bundle-app.mjs <entry.ts>... --outdir <dir> [--copy <from>:<to>]\n');
  process.exit(2);
}

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: entries,
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [
    {
      name: 'externalise-npm-packages',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@loadtest/') ? undefined : { path: args.path, external: true }));
      },
    },
  ],
});
for (const [from, to] of copies) cpSync(from, resolve(outdir, to), { recursive: true });
