import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from './harness.js';

/** The workspace's module boundaries, as Nx's lint rule enforces them on the real configuration. */
describe('module boundaries (eslint @nx/enforce-module-boundaries)', () => {
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const lint = async (file: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: join(REPO_ROOT, file) });
    return result!.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
  };

  it('forbids a lib to import an app', async () => {
    expect(await lint('libs/protocol/src/probe.ts', "import '@loadtest/worker';\n")).not.toEqual([]);
  }, 60_000);

  it('forbids an app to import another app', async () => {
    // Nx words it by project type or by tag, depending on its project graph; either way it is an error.
    expect(await lint('apps/master/src/probe.ts', "import '@loadtest/worker';\n")).toHaveLength(1);
    expect(await lint('apps/worker/src/probe.ts', "import '@loadtest/master';\n")).toHaveLength(1);
  }, 60_000);

  it('forbids sources (but not tests) to use the mock target from tools/', async () => {
    expect(await lint('apps/worker/src/probe.ts', "import '@loadtest/target';\n")).toHaveLength(1);
    expect(await lint('apps/worker/test/probe.test.ts', "import '@loadtest/target';\n")).toEqual([]);
  }, 60_000);

  it('lets the CLI use the libs it needs, and no other app', async () => {
    expect(await lint('apps/cli/src/probe.ts', "import '@loadtest/protocol';\nimport '@loadtest/plan';\nimport '@loadtest/plan-import';\n")).toEqual([]);
    expect(await lint('apps/cli/src/probe.ts', "import '@loadtest/worker';\n")).toHaveLength(1);
  }, 60_000);

  it('lets apps use libs', async () => {
    expect(await lint('apps/master/src/probe.ts', "import '@loadtest/protocol';\n")).toEqual([]);
  }, 60_000);
});
