import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Worker threads started by the tests log through their own pino instance.
    env: { LOG_LEVEL: 'warn' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
