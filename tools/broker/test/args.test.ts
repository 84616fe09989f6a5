import { describe, expect, it } from '@jest/globals';
import { parseBrokerToolArgs } from '../src/args.js';

describe('broker-setup arguments', () => {
  it('reads the workers, and defaults the vhost to the namespace', () => {
    expect(parseBrokerToolArgs(['commands', '--worker', 'w1', '--worker', 'w2', '--namespace', 'lt'])).toEqual({
      command: 'commands',
      workerIds: ['w1', 'w2'],
      namespace: 'lt',
      vhost: 'lt',
      masterUser: undefined,
      out: undefined,
    });
  });

  it('refuses an unknown command and a setup without workers, saying why', () => {
    expect(() => parseBrokerToolArgs(['users', '--worker', 'w1'])).toThrow(/unknown command "users"/);
    expect(() => parseBrokerToolArgs(['definitions'])).toThrow(/no --worker given/);
  });
});
