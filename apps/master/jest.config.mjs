import preset from '../../jest.preset.mjs';

/** Timing measurements of the realised load shape: run alone, one at a time (jest.serial.config.mjs). */
export const SERIAL = ['test/load-shape.test.ts', 'test/flows.test.ts', 'test/worker-loss.test.ts', 'test/warm-start.test.ts'];

export default {
  ...preset,
  displayName: 'master',
  testPathIgnorePatterns: ['/node_modules/', ...SERIAL.map((file) => `<rootDir>/${file}$`)],
  // Worker threads started by the tests log through their own pino instance.
  setupFiles: ['<rootDir>/jest.setup-env.mjs'],
  // Hooks that start databases name their own, longer timeout (jest has one timeout for tests and hooks).
  testTimeout: 30_000,
};
