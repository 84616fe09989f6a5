import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The scenarios start real processes and measure load: one file at a time on a 2-core machine.
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
