// Shared jest configuration of every project (each project's jest.config.mjs spreads it).
// Tests are TypeScript ES modules run as native ESM (node --experimental-vm-modules, see each
// project's `test` script), compiled by @swc/jest: type-checking is `nx typecheck`'s job.
import { mkdirSync } from 'node:fs';
import { nxPreset } from '@nx/jest/preset';

// Each project's `test` script writes its JSON report to test-results/ (jest's --outputFile makes no folder).
mkdirSync(new URL('./test-results', import.meta.url), { recursive: true });

export default {
  ...nxPreset,
  testEnvironment: 'node',
  // nx's preset asks for CommonJS builds of packages; under native ESM jest's own conditions (import, node) are right.
  testEnvironmentOptions: {},
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/src/**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.(ts|mts|js|mjs)$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, sourceMaps: 'inline' }],
  },
  // ES-module-only packages that CommonJS dependencies require() (fastify's reply -> content-disposition,
  // cookie): compiled to CommonJS for them, since jest's require() of ESM needs a newer Node.
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|cookie)/)'],
  // Jest runs a project's files in its own process on 2 cores (maxWorkers 1): a handle a test leaves open (a socket
  // closing late, a thread) must not keep that process, and CI, waiting after the reports are written.
  forceExit: true,
  // Sources import each other as `./x.js` (NodeNext); the file on disk is x.ts.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};
