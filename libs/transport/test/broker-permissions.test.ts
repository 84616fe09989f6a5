import { describe, expect, it } from '@jest/globals';
import { brokerNames, brokerPermissions, rabbitPasswordHash, senderMismatch, workerIdOfUser } from '../src/index.js';
import { amqpUser } from '../src/amqp/connection.js';
import { createHash } from 'node:crypto';
import { windowMessage } from './helpers.js';

const matches = (regex: string, name: string) => new RegExp(regex).test(name);

/** RabbitMQ's topic matching, word by word: `*` one word, `#` zero or more. */
function topicMatches(binding: string, routingKey: string): boolean {
  const match = (b: string[], k: string[]): boolean => {
    const [head, ...rest] = b;
    if (head === undefined) return k.length === 0;
    if (head === '#') return match(rest, k) || (k.length > 0 && match(b, k.slice(1)));
    return k.length > 0 && (head === '*' || head === k[0]) && match(rest, k.slice(1));
  };
  return match(binding.split('.'), routingKey.split('.'));
}

describe('worker routing keys', () => {
  it('never deliver a message for worker a.b to worker a (a dot in an id is not a word boundary)', () => {
    const names = brokerNames('lt');
    const assign = { type: 'run.assign' } as Parameters<typeof names.workerRoutingKey>[1];
    expect(topicMatches(names.workerRoutingKey('a'), names.workerRoutingKey('a', assign))).toBe(true);
    expect(topicMatches(names.workerRoutingKey('a'), names.workerRoutingKey('a.b', assign))).toBe(false);
    expect(topicMatches(names.workerRoutingKey('a.b'), names.workerRoutingKey('a', assign))).toBe(false);
    expect(topicMatches(names.workerRoutingKey('a.b'), names.workerRoutingKey('a.b', assign))).toBe(true);
  });
});

describe('brokerPermissions', () => {
  it('gives a worker its own queue only, and the exchange to publish to and bind on', () => {
    const p = brokerPermissions('lt', 'worker', 'w.1');
    expect(p.user).toBe('worker-w.1');
    expect(matches(p.configure, 'lt.worker.w.1')).toBe(true);
    for (const other of ['lt', 'lt.master', 'lt.worker.w.10', 'lt.worker.wx1', 'lt.worker.w.2']) expect(matches(p.configure, other)).toBe(false);
    for (const name of ['lt', 'lt.worker.w.1']) expect([matches(p.read, name), matches(p.write, name)]).toEqual([true, true]);
    for (const name of ['lt.master', 'lt.worker.w.2', 'lt.worker.w.1x']) expect([matches(p.read, name), matches(p.write, name)]).toEqual([false, false]);
    expect(p.topic?.exchange).toBe('lt');
    expect(matches(p.topic?.write ?? '', 'run.window')).toBe(true);
    expect(matches(p.topic?.write ?? '', 'to-worker.w.2.run.assign')).toBe(false);
    expect(matches(p.topic?.read ?? '', 'to-worker.w~1.#')).toBe(true);
    for (const key of ['#', 'to-worker.*.#', 'to-worker.w~2.#', 'to-worker.w.#']) expect(matches(p.topic?.read ?? '', key)).toBe(false);
  });

  it("gives the master its namespace's objects and no other namespace's", () => {
    const p = brokerPermissions('lt', 'master');
    for (const name of ['lt', 'lt.master', 'lt.worker.a']) expect(matches(p.configure, name)).toBe(true);
    for (const name of ['lt2', 'other.master', 'lt.masterx']) expect(matches(p.configure, name)).toBe(false);
    expect(matches(p.read, 'lt.worker.a')).toBe(false);
    expect(() => brokerPermissions('lt', 'worker')).toThrow(/worker id/);
  });
});

describe('senderMismatch', () => {
  it('accepts everything when the master runs as guest (development)', () => {
    expect(senderMismatch('guest', undefined, windowMessage('a', 1))).toBeNull();
    expect(senderMismatch('guest', 'worker-b', windowMessage('a', 1))).toBeNull();
  });

  it('otherwise requires user_id worker-<workerId>', () => {
    expect(senderMismatch('master', 'worker-a', windowMessage('a', 1))).toBeNull();
    expect(senderMismatch('master', 'worker-b', windowMessage('a', 1))).toBe('user_id worker-b is not worker-a');
    expect(senderMismatch('master', 'guest', windowMessage('a', 1))).toMatch(/guest/);
    expect(senderMismatch('master', undefined, windowMessage('a', 1))).toBe('message has no user_id');
    expect(workerIdOfUser('worker-')).toBeNull();
  });
});

describe('broker user and password hash', () => {
  it('reads the user of an AMQP URL, guest without one', () => {
    expect(amqpUser('amqp://worker-a%3A1:pw@host/vh')).toBe('worker-a:1');
    expect(amqpUser('amqp://host')).toBe('guest');
  });

  it("hashes as RabbitMQ's rabbit_password_hashing_sha256", () => {
    const salt = Buffer.from([1, 2, 3, 4]);
    const hash = Buffer.from(rabbitPasswordHash('secret', salt), 'base64');
    expect(hash.subarray(0, 4)).toEqual(salt);
    expect(hash.subarray(4)).toEqual(
      createHash('sha256')
        .update(Buffer.concat([salt, Buffer.from('secret')]))
        .digest(),
    );
  });
});
