import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBrokerToolArgs } from '../src/args.js';
import { writeK8sBrokerSecrets } from '../src/k8s-secrets.js';

/** Whether `hash` is RabbitMQ's salted SHA-256 of `password` (rabbit_password_hashing_sha256). */
function hashMatches(hash: string, password: string): boolean {
  const bytes = Buffer.from(hash, 'base64');
  const salt = bytes.subarray(0, 4);
  return createHash('sha256')
    .update(Buffer.concat([salt, Buffer.from(password)]))
    .digest()
    .equals(bytes.subarray(4));
}

describe('k8s-secrets: the broker files deployments/k8s reads, consistent with each other', () => {
  it('writes the definitions, the master URL and one URL per worker pod, each password matching its hash, owner-only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-secrets-'));
    const args = parseBrokerToolArgs(['k8s-secrets', '--workers', '2', '--base', join(dir, 'base'), '--overlay', join(dir, 'overlay')]);
    if (args.command !== 'k8s-secrets') throw new Error('parsed as another command');
    let n = 0;
    const written = writeK8sBrokerSecrets(args, () => `password-${n++}`);
    expect(written.users).toEqual(['master', 'worker-worker-0', 'worker-worker-1']);
    const definitions = JSON.parse(readFileSync(join(dir, 'base', 'rabbitmq-definitions.json'), 'utf8')) as {
      users: { name: string; password_hash: string }[];
      vhosts: { name: string }[];
    };
    expect(definitions.vhosts).toEqual([{ name: 'loadtest' }]);
    const urls: Record<string, string> = {
      master: readFileSync(join(dir, 'base', 'master-amqp-url'), 'utf8'),
      'worker-worker-0': readFileSync(join(dir, 'overlay', 'worker-0'), 'utf8'),
      'worker-worker-1': readFileSync(join(dir, 'overlay', 'worker-1'), 'utf8'),
    };
    expect(urls['worker-worker-1']).toBe('amqp://worker-worker-1:password-2@rabbitmq:5672/loadtest');
    for (const user of definitions.users) {
      const url = new URL(urls[user.name]!);
      expect(decodeURIComponent(url.username)).toBe(user.name);
      expect(hashMatches(user.password_hash, decodeURIComponent(url.password))).toBe(true);
    }
    for (const file of written.files) expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a missing or bad --workers and a missing --overlay', () => {
    expect(() => parseBrokerToolArgs(['k8s-secrets', '--overlay', 'x'])).toThrow('--workers must be a whole number from 1 to 1000');
    expect(() => parseBrokerToolArgs(['k8s-secrets', '--workers', '2'])).toThrow('--overlay is needed');
  });
});
