import { startTarget, type TargetServer } from '@loadtest/target';
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withMessage } from '@loadtest/jest';
import {
  AUTOCANNON_CLIENT_INTERNALS,
  AutocannonClient,
  autocannonClientProblems,
  autocannonVersion,
  checkAutocannonClient,
  UnsupportedAutocannon,
} from '@loadtest/engine';

const json = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as Record<string, unknown>;
const installed = String(json('../../../node_modules/autocannon/package.json').version);

type Event = string;
interface Observed {
  events: Event[];
  client: unknown;
}

/**
 * Runs autocannon with one connection for `amount` responses (or `ms`) and records, in order, the client events the
 * worker listens to and every call autocannon makes to `_doRequest` through the client (as the gates replace it).
 */
function observe(options: { url: string; amount?: number; ms?: number; timeout?: number; requests?: { method: 'GET'; path: string }[] }): Promise<Observed> {
  const observed: Observed = { events: [], client: undefined };
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: 1,
        ...(options.amount ? { amount: options.amount } : { duration: 30 }),
        timeout: options.timeout ?? 10,
        requests: options.requests ?? [{ method: 'GET', path: '/' }],
        skipAggregateResult: true,
        setupClient: (raw: unknown) => {
          observed.client = raw;
          const client = raw as {
            _doRequest(): void;
            on(event: string, listener: (...args: unknown[]) => void): void;
            requestIterator: { currentRequestIndex: number };
          };
          const send = Object.getPrototypeOf(client)._doRequest as () => void;
          client._doRequest = () => {
            observed.events.push(`doRequest@${client.requestIterator.currentRequestIndex}`);
            send.call(client);
          };
          for (const event of ['headers', 'response', 'timeout', 'connError']) {
            client.on(event, () => observed.events.push(`${event}@${client.requestIterator.currentRequestIndex}`));
          }
        },
      },
      (error: Error | null) => (error ? reject(error) : resolve(observed)),
    );
    if (options.ms) setTimeout(() => instance.stop(), options.ms);
  });
}

describe('autocannon contract (the internals the worker relies on)', () => {
  let target: TargetServer;
  beforeAll(async () => {
    target = await startTarget();
  }, 10_000);
  afterAll(() => target.close(), 10_000);

  it('is the exact version the worker pins', () => {
    const pinned = (json('../../../libs/engine/package.json').dependencies as Record<string, string>).autocannon;
    withMessage('libs/engine/package.json must pin autocannon exactly (no ^ or ~)', () => expect(pinned).toMatch(/^\d+\.\d+\.\d+$/));
    withMessage(`installed autocannon ${installed} is not the pinned ${pinned}`, () => expect(installed).toBe(pinned));
  });

  it('gives setupClient a client with every private part the generator and the flow gate use', async () => {
    const { client } = await observe({ url: target.url, amount: 2 });
    const missing = autocannonClientProblems(client);
    withMessage(`autocannon ${installed} moved: ${missing.join('; ')}`, () => expect(missing).toEqual([]));
    expect(AUTOCANNON_CLIENT_INTERNALS.length).toBe(10);
  });

  it('names the part that is missing', () => {
    expect(autocannonClientProblems({})).toEqual([...AUTOCANNON_CLIENT_INTERNALS.slice(0, 6), ...AUTOCANNON_CLIENT_INTERNALS.slice(7)]);
  });

  it('fails a client that lacks an internal with a message naming the installed version and the part', async () => {
    const { client } = await observe({ url: target.url, amount: 1 });
    expect(() => checkAutocannonClient(client)).not.toThrow();
    expect(autocannonVersion()).toBe(installed);
    // An autocannon whose iterator moved: what an upgrade could do.
    const moved = Object.assign(Object.create(Object.getPrototypeOf(client) as object) as object, client, { requestIterator: {} });
    let thrown: unknown;
    try {
      checkAutocannonClient(moved);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnsupportedAutocannon);
    expect((thrown as Error).message).toContain(`autocannon ${installed} is not supported`);
    expect((thrown as Error).message).toContain('requestIterator.currentRequestIndex');
  });

  it('through the adapter: headers, response, then ready for the next send; a connection error before ready, a timeout after it', async () => {
    /** One connection taken over by the adapter, sending `path` at each ready; records what the adapter reports. */
    const adapted = (url: string, path: string, timeoutMs: number, ms: number) =>
      new Promise<string[]>((resolve, reject) => {
        const events: string[] = [];
        const bytes = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
        const instance = autocannon(
          {
            url,
            connections: 1,
            duration: 30,
            requests: [{ method: 'GET', path: '/' }],
            skipAggregateResult: true,
            setupClient: (raw: unknown) => {
              const client = new AutocannonClient(raw);
              let sends = 0;
              client.takeOver(() => {
                events.push('ready');
                // Bounded: a few sends are enough to see the order.
                if (sends++ < 3) client.send(bytes, timeoutMs);
              });
              client.onHeaders((status) => events.push(`headers ${status}`));
              client.onResponse((status) => events.push(`response ${status}`));
              client.onConnectionError(() => events.push('connError'));
              client.onTimeout(() => events.push('timeout'));
            },
          },
          (error: Error | null) => (error ? reject(error) : resolve(events)),
        );
        setTimeout(() => instance.stop(), ms);
      });
    const answered = await adapted(target.url, '/', 10_000, 500);
    withMessage(`autocannon ${installed}: a response through the adapter`, () =>
      expect(answered.slice(0, 4)).toEqual(['ready', 'headers 200', 'response 200', 'ready']),
    );
    const timedOut = await adapted(target.url, '/delay/5000', 300, 1500);
    withMessage(`autocannon ${installed}: a timeout through the adapter (${timedOut.join(',')})`, () =>
      expect(timedOut.slice(0, 3)).toEqual(['ready', 'ready', 'timeout']),
    );
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await adapted(`http://127.0.0.1:${port}`, '/', 10_000, 300);
    withMessage(`autocannon ${installed}: a connection error through the adapter`, () => expect(refused.slice(0, 3)).toEqual(['ready', 'connError', 'ready']));
  }, 15_000);

  it('emits headers, then response while the answered request is still current, then calls _doRequest for the next', async () => {
    const { events } = await observe({
      url: target.url,
      amount: 2,
      requests: [
        { method: 'GET', path: '/' },
        { method: 'GET', path: '/echo-never-used' },
      ],
    });
    withMessage(`autocannon ${installed}: event order of a response`, () =>
      expect(events.slice(0, 4)).toEqual(['doRequest@0', 'headers@0', 'response@0', 'doRequest@0']),
    );
    // The next _doRequest advances the iterator: the second response is of request 1.
    expect(events.slice(4, 6)).toEqual(['headers@1', 'response@1']);
  });

  it('reports a timeout after the reconnect has already called _doRequest again', async () => {
    const { events } = await observe({ url: `${target.url}`, timeout: 1, ms: 1600, requests: [{ method: 'GET', path: '/delay/5000' }] });
    const first = events.indexOf('timeout@0');
    withMessage(`autocannon ${installed}: no timeout seen in ${events.join(',')}`, () => expect(first).toBeGreaterThan(0));
    withMessage(`autocannon ${installed}: event order of a timeout`, () =>
      expect(events.slice(0, first + 1)).toEqual(['doRequest@0', 'doRequest@0', 'timeout@0']),
    );
  });

  it('calls _doRequest from _connect with the socket set and not yet connected; the socket then emits connect', async () => {
    const seen = await new Promise<string[]>((resolve, reject) => {
      const events: string[] = [];
      const instance = autocannon(
        {
          url: target.url,
          connections: 1,
          duration: 30,
          requests: [{ method: 'GET', path: '/' }],
          skipAggregateResult: true,
          setupClient: (raw: unknown) => {
            const client = raw as { _doRequest(): void; conn?: { connecting: boolean; once(event: 'connect', listener: () => void): void } };
            events.push(`setup conn=${client.conn === undefined ? 'unset' : 'set'}`);
            client._doRequest = () => {
              const socket = client.conn;
              events.push(`doRequest connecting=${String(socket?.connecting)}`);
              socket?.once('connect', () => {
                events.push('connect');
                instance.stop();
              });
            };
          },
        },
        (error: Error | null) => (error ? reject(error) : resolve(events)),
      );
    });
    withMessage(`autocannon ${installed}: the order of a connect`, () => expect(seen).toEqual(['setup conn=unset', 'doRequest connecting=true', 'connect']));
  });

  it('reports a connection error before the reconnect calls _doRequest again', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { events } = await observe({ url: `http://127.0.0.1:${port}`, ms: 300 });
    expect(events.length).toBeGreaterThanOrEqual(3);
    withMessage(`autocannon ${installed}: event order of a connection error`, () =>
      expect(events.slice(0, 3)).toEqual(['doRequest@0', 'connError@0', 'doRequest@0']),
    );
  });
});
