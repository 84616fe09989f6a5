import { describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

describe('@loadtest/protocol in a browser', () => {
  it('bundles for a browser from its own contracts and zod alone: no Node built-in, no plan semantics (csv-parse, JSONPath: @loadtest/plan)', async () => {
    const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const result = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', metafile: true });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => input.startsWith('node:'))).toEqual([]);
    const packages = new Set(inputs.map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1]).filter((name) => name !== undefined));
    expect([...packages]).toEqual(['zod']);
    // esbuild names inputs relative to the working directory.
    const own = fileURLToPath(new URL('../src/', import.meta.url));
    expect(inputs.filter((input) => !input.includes('node_modules/') && !resolve(input).startsWith(own))).toEqual([]);
  });
});
