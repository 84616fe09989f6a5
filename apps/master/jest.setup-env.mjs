// The master's logs (and its local worker threads', which take this environment) at warn in tests.
process.env.LOG_LEVEL ??= 'warn';
