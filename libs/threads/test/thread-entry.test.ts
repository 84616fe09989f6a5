import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from '@jest/globals';
import { firstExistingEntry, threadUrl } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'threads-'));
// As in the apps: ES modules.
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
const run = (entry: string) =>
  new Promise<unknown>((resolve, reject) => {
    const worker = new Worker(threadUrl(entry));
    worker.once('message', resolve);
    worker.once('error', reject);
  });

describe('thread entries', () => {
  it('starts a TypeScript entry through tsx, and a JavaScript one as it is', async () => {
    const ts = join(dir, 'entry.ts');
    writeFileSync(ts, "import { parentPort } from 'node:worker_threads';\nconst answer: number = 42;\nparentPort!.postMessage(answer);\n");
    const js = join(dir, 'entry.mjs');
    writeFileSync(js, "import { parentPort } from 'node:worker_threads';\nparentPort.postMessage('js');\n");
    expect(await run(ts)).toBe(42);
    expect(await run(js)).toBe('js');
  });

  it('takes the first candidate that exists, and names every place it looked otherwise', () => {
    const there = join(dir, 'there.js');
    writeFileSync(there, '');
    expect(firstExistingEntry([pathToFileURL(join(dir, 'missing.ts')), pathToFileURL(there)], 'entry')).toBe(there);
    expect(() => firstExistingEntry([pathToFileURL(join(dir, 'a.ts'))], 'engine entry')).toThrow(/^engine entry not found; looked in .*a\.ts$/);
  });
});
