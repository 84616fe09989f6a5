import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The master runs with the V8 flags of apps/master/node-flags.json wherever it ships: `npm start` and its image
 * (the benchmark reads the file itself). A flag added to one place and not the others would leave the measured
 * master unlike the one people run.
 */
const ROOT = new URL('../../../', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const flags = JSON.parse(read('apps/master/node-flags.json')) as string[];

describe("the master's node flags", () => {
  it('are V8 flags, and there are some', () => {
    expect(flags.length).toBeGreaterThan(0);
    for (const flag of flags) expect(flag).toMatch(/^--[a-z0-9-]+=\d+$/);
  });

  it('are on the command line of `npm start`, before the script', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start!;
    const words = start.split(/\s+/);
    const script = words.indexOf('tools/start/start.mjs');
    expect(script).toBeGreaterThan(0);
    expect(words.slice(words.indexOf('node') + 1, script)).toEqual(flags);
  });

  it("are on the master image's command, before the script", () => {
    const cmd = /^CMD (\[.*\])$/m.exec(read('docker/master.Dockerfile'))?.[1];
    expect(cmd).toBeDefined();
    const words = JSON.parse(cmd!) as string[];
    const script = words.indexOf('dist/apps/master/main.js');
    expect(words[0]).toBe('node');
    expect(words.slice(1, script).filter((w) => w !== '--enable-source-maps')).toEqual(flags);
  });
});
