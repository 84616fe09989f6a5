#!/usr/bin/env node
// The `loadtest` command (npm links it into node_modules/.bin as a workspace bin). It runs the TypeScript sources
// through tsx's loader registered in this very process, so that nothing needs building after `npm ci`, and so that
// Ctrl-C and the exit code belong to the CLI itself rather than to a wrapper process.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
