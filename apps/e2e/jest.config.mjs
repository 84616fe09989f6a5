import preset from '../../jest.preset.mjs';

export default {
  ...preset,
  displayName: 'e2e',
  // The scenarios start real processes and measure load: one file at a time on a 2-core machine.
  maxWorkers: 1,
  // Jest has one timeout, for tests and hooks alike.
  testTimeout: 90_000,
};
