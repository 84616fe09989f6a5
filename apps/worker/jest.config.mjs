import preset from '../../jest.preset.mjs';

/** Measurements of rates and timings at the target: run alone, one at a time (jest.serial.config.mjs). */
export const SERIAL = [
  'test/share-run.test.ts',
  'test/threaded-share-run.test.ts',
  'test/graceful-stop.test.ts',
  'test/worker-tolerance.test.ts',
  'test/flow/flow-share-run.test.ts',
];

export default {
  ...preset,
  displayName: 'worker',
  testPathIgnorePatterns: ['/node_modules/', ...SERIAL.map((file) => `<rootDir>/${file}$`)],
};
