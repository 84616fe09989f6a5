import { describe, expect, it } from '@jest/globals';
import { checkUrl, parseAllowlist, TargetRefused, type Allowlist } from '../src/index.js';

/** What a distributed master with a public API host and a loopback test target would configure. */
const allowlist: Allowlist = parseAllowlist('api.example.com, *.shop.example:443, 127.0.0.2, 10.0.0.0/8:8080|9000-9100', [
  { host: '127.0.0.2', port: 5432, what: 'database' },
  { host: '127.0.0.2', port: 5672, what: 'broker' },
]);

function refusal(url: string, list: Allowlist = allowlist): TargetRefused {
  try {
    checkUrl(url, list);
  } catch (error) {
    if (error instanceof TargetRefused) return error;
    throw error;
  }
  throw new Error(`${url} was allowed`);
}

describe('checkUrl: the SSRF cases of issue 14 are refused, the rule named', () => {
  it.each([
    ['http://0x7f000001/', /127\.0\.0\.1 port 80 is not in the allowlist/],
    ['http://2130706433/', /127\.0\.0\.1 port 80 is not in the allowlist/],
    ['http://0177.0.0.1/', /127\.0\.0\.1 port 80 is not in the allowlist/],
    ['http://127.1/', /127\.0\.0\.1 port 80 is not in the allowlist/],
    ['http://%31%32%37.0.0.1/', /127\.0\.0\.1 port 80 is not in the allowlist/],
    ['http://0.0.0.0/', /always denied: 0\.0\.0\.0\/8 is unspecified/],
    ['http://[::]/', /always denied: ::\/128 is IPv6 unspecified/],
    ['http://[::1]/', /::1 port 80 is not in the allowlist/],
    ['http://[::ffff:127.0.0.1]/', /address 127\.0\.0\.1 port 80 is not in the allowlist/],
    ['http://[::ffff:a9fe:a9fe]/', /always denied: 169\.254\.0\.0\/16 is link-local/],
    ['http://169.254.169.254/', /always denied: 169\.254\.0\.0\/16/],
    ['http://169.254.169.254./', /always denied: 169\.254\.0\.0\/16/],
    ['http://metadata.google.internal/', /always denied: metadata\.google\.internal is a cloud metadata service/],
    ['http://metadata.google.internal./', /always denied: metadata\.google\.internal/],
    ['http://user@127.0.0.1:80@evil.example/', /userinfo/],
    ['http://user:pw@api.example.com/', /userinfo/],
    ['http://evil.example#@127.0.0.1/', /host evil\.example port 80 is not in the allowlist/],
    ['file:///etc/passwd', /scheme file: is not allowed/],
    ['gopher://127.0.0.2:25/_HELO', /scheme gopher: is not allowed/],
    ['http://127.0.0.2:5432/', /127\.0\.0\.2:5432 is the database's own endpoint/],
    ['http://127.0.0.2:5672/', /127\.0\.0\.2:5672 is the broker's own endpoint/],
    ['http://10.1.2.3:5432/', /10\.1\.2\.3 port 5432 is not in the allowlist/],
    ['https://a.shop.example:8443/', /host a\.shop\.example port 8443 is not in the allowlist/],
    ['https://shop.example/', /host shop\.example port 443 is not in the allowlist/],
    ['http://${host}/x', /template variable: allowed only when the allowlist allows any host/],
    ['http://[fe80::1]/', /always denied: fe80::\/10/],
  ])('%s', (url, rule) => {
    const error = refusal(url);
    expect(error.message).toMatch(rule);
    expect(error.message).toMatch(/^target "/);
  });

  it('names the host in the error', () => {
    expect(refusal('http://evil.example/').host).toBe('evil.example');
    expect(refusal('http://169.254.169.254./').message).toContain('"169.254.169.254"');
  });
});

describe('checkUrl: allowed targets', () => {
  it.each([
    ['http://api.example.com/v1', 'api.example.com', 80],
    ['http://API.Example.COM./v1', 'api.example.com', 80],
    ['https://a.shop.example/', 'a.shop.example', 443],
    ['https://x.y.shop.example:443/', 'x.y.shop.example', 443],
    ['http://127.0.0.2:8080/', '127.0.0.2', 8080],
    ['http://127.0.0.2/', '127.0.0.2', 80],
    ['http://[::ffff:127.0.0.2]:81/', '::ffff:7f00:2', 81],
    ['http://10.9.8.7:8080/', '10.9.8.7', 8080],
    ['http://10.9.8.7:9050/', '10.9.8.7', 9050],
  ])('%s', (url, host, port) => {
    expect(checkUrl(url, allowlist)).toMatchObject({ host, port, template: false });
  });

  it('a template host only with "*", which does not open the always-denied ranges', () => {
    const any = parseAllowlist('*');
    expect(checkUrl('http://${host}/x', any)).toMatchObject({ template: true });
    expect(checkUrl('http://anything.example/', any)).toMatchObject({ host: 'anything.example' });
    expect(refusal('http://169.254.169.254/', any).message).toMatch(/always denied/);
    expect(refusal('http://[::ffff:a9fe:a9fe]/', parseAllowlist('0.0.0.0/0')).message).toMatch(/always denied/);
    expect(refusal('http://metadata.google.internal/', any).message).toMatch(/always denied/);
  });

  it('an entry inside an always-denied range, or naming a denied endpoint with its port, allows it', () => {
    expect(checkUrl('http://169.254.169.254/', parseAllowlist('169.254.169.254'))).toMatchObject({ host: '169.254.169.254' });
    expect(checkUrl('http://metadata.google.internal/', parseAllowlist('metadata.google.internal'))).toMatchObject({ port: 80 });
    const denied = [{ host: '127.0.0.1', port: 5432, what: 'database' }];
    expect(refusal('http://127.0.0.1:5432/', parseAllowlist('127.0.0.1', denied)).message).toMatch(/database's own endpoint/);
    expect(refusal('http://127.0.0.1:5432/', parseAllowlist('127.0.0.0/8:5432', denied)).message).toMatch(/database's own endpoint/);
    expect(checkUrl('http://127.0.0.1:5432/', parseAllowlist('127.0.0.1:5432', denied))).toMatchObject({ port: 5432 });
  });

  it('an empty allowlist refuses everything', () => {
    expect(refusal('http://127.0.0.1/', parseAllowlist('')).message).toMatch(/the allowlist is empty/);
  });
});
