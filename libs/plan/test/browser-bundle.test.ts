import { describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

describe('@loadtest/plan in a browser', () => {
  it("bundles its main entry (validation, templates, feeders' data, YAML) for a browser without any Node built-in, csv-parse taken in its browser build as the dashboard does", async () => {
    const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      metafile: true,
      // apps/dashboard/vite.config.ts has the same alias.
      alias: { 'csv-parse/sync': 'csv-parse/browser/esm/sync' },
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => input.startsWith('node:'))).toEqual([]);
    // The Node build of csv-parse reads Buffer when loaded: it must not be the one bundled.
    expect(inputs.filter((input) => input.includes('csv-parse/lib/'))).toEqual([]);
    // The flow engine (Buffer, node:util) is the Node-only entry, @loadtest/plan/flow.
    expect(inputs.filter((input) => input.includes('libs/plan/src/flow/'))).toEqual([]);
  });
});
