import { afterEach } from '@jest/globals';

/**
 * Work to do once the current test is over, whatever its outcome (last registered, first run):
 * jest has no onTestFinished, so an afterEach of every file that imports this module runs them.
 */
const pending: Array<() => unknown> = [];

afterEach(async () => {
  const due = pending.splice(0).reverse();
  for (const fn of due) await fn();
});

export function onTestFinished(fn: () => unknown): void {
  pending.push(fn);
}
