import preset from '../../jest.preset.mjs';

// Unit tests of the dashboard's pure logic (node), and the real-browser tests (Debian's Chromium through
// playwright-core) against a real master that serves the built dashboard.
export default {
  ...preset,
  displayName: 'dashboard',
  testTimeout: 120_000,
};
