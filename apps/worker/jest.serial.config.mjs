import base, { SERIAL } from './jest.config.mjs';

/**
 * The rate and timing measurements (see jest.config.mjs): one file at a time (run with --runInBand), and a
 * test may be retried once, since a busy neighbour on a shared machine can disturb a second; CI names a test
 * that passed only when retried (tools/ci/count-tests.mjs reads jest's retryReasons).
 */
export default {
  ...base,
  displayName: 'worker-timing',
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: SERIAL.map((file) => `<rootDir>/${file}`),
  setupFilesAfterEnv: ['<rootDir>/jest.retry-once.mjs'],
};
