import { describe, expect, it } from '@jest/globals';
import { checkAddress, parseAllowlist, resolveAndCheck, TargetRefused, type Lookup } from '../src/index.js';

const answers =
  (table: Record<string, string[]>): Lookup =>
  async (name) =>
    (table[name] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

const lookup = answers({
  'public.lab.example': ['93.184.216.34', '2606:2800:220:1::1'],
  'private.lab.example': ['93.184.216.34', '10.1.2.3'],
  'loopback.lab.example': ['127.0.0.1'],
  'mapped.lab.example': ['::ffff:169.254.169.254'],
  'compat.lab.example': ['::127.0.0.1'],
});
const allowlist = parseAllowlist('*.lab.example, 127.0.0.2');

async function refused(promise: Promise<unknown>): Promise<TargetRefused> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TargetRefused) return error;
    throw error;
  }
  throw new Error('allowed');
}

describe('resolveAndCheck', () => {
  it('returns every address of an allowed name with public addresses', async () => {
    await expect(resolveAndCheck('public.lab.example', 80, allowlist, lookup)).resolves.toEqual({
      host: 'public.lab.example',
      port: 80,
      addresses: ['93.184.216.34', '2606:2800:220:1::1'],
    });
  });

  it('refuses a name of which one address is private: a name entry allows public addresses only', async () => {
    const error = await refused(resolveAndCheck('private.lab.example', 80, allowlist, lookup));
    expect(error.message).toMatch(/"private\.lab\.example" \(address 10\.1\.2\.3\) is refused: resolves to 10\.1\.2\.3, a private address/);
  });

  it.each([
    ['loopback.lab.example', /a loopback address/],
    ['mapped.lab.example', /always denied: 169\.254\.0\.0\/16/],
    ['compat.lab.example', /127\.0\.0\.1, a loopback address/],
    ['missing.lab.example', /resolves to no address/],
    ['other.test', /host other\.test port 80 is not in the allowlist/],
  ])('refuses %s', async (name, rule) => {
    expect((await refused(resolveAndCheck(name, 80, allowlist, lookup))).message).toMatch(rule);
  });

  it('allows a private address a name resolves to when an address entry allows it', async () => {
    const list = parseAllowlist('loopback.lab.example, 127.0.0.1:8080');
    await expect(resolveAndCheck('loopback.lab.example', 8080, list, lookup)).resolves.toMatchObject({ addresses: ['127.0.0.1'] });
    expect((await refused(resolveAndCheck('loopback.lab.example', 8081, list, lookup))).message).toMatch(/loopback address/);
  });

  it('does not look an IP literal up, and unwraps an IPv4-mapped one', async () => {
    const never: Lookup = () => Promise.reject(new Error('looked up'));
    await expect(resolveAndCheck('[::ffff:127.0.0.2]', 80, allowlist, never)).resolves.toMatchObject({ addresses: ['127.0.0.2'] });
    expect((await refused(resolveAndCheck('127.0.0.1', 80, allowlist, never))).message).toMatch(/address 127\.0\.0\.1 port 80 is not in the allowlist/);
  });

  it('names a lookup failure', async () => {
    const failing: Lookup = () => Promise.reject(new Error('ENOTFOUND x'));
    expect((await refused(resolveAndCheck('x.lab.example', 80, allowlist, failing))).message).toMatch(/cannot be resolved \(ENOTFOUND x\)/);
  });

  it('checkAddress refuses what is not an IP literal', () => {
    expect(() => checkAddress('127.1', 80, allowlist)).toThrow(/"127.1" is not an IP address/);
    expect(checkAddress('::FFFF:127.0.0.2', 80, allowlist)).toBe('127.0.0.2');
  });
});
