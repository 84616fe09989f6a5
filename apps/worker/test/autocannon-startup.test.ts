import { createRequire } from 'node:module';
import { describe, expect, it } from '@jest/globals';
import { startGenerator } from '@loadtest/engine';
import { autocannonVersion } from '@loadtest/engine';

/** autocannon's client class, the very copy the worker runs. */
const Client = createRequire(import.meta.url)('autocannon/lib/httpClient.js') as { prototype: Record<string, unknown> };

describe('autocannon check at start-up', () => {
  it('refuses to start a generator on an autocannon whose client lacks an internal, naming the version and the part', () => {
    const setRequests = Client.prototype.setRequests;
    // What an upgrade that renamed it would look like to the worker.
    delete Client.prototype.setRequests;
    try {
      expect(() =>
        startGenerator({
          // Nothing is sent: the check fails the first client before it connects.
          baseUrl: 'http://127.0.0.1:9',
          connections: 2,
          requests: [{ method: 'GET', path: '/', headers: {} }],
          timeoutSeconds: 1,
          onResponse: () => undefined,
          onError: () => undefined,
        }),
      ).toThrow(new RegExp(`^autocannon ${autocannonVersion().replace(/\./g, '\\.')} is not supported by this worker: its client lacks setRequests`));
    } finally {
      Client.prototype.setRequests = setRequests;
    }
  });
});
