import { describe, expect, it } from '@jest/globals';
import { parseAllowlist, parseEntry } from '../src/index.js';

describe('allowlist entries', () => {
  it.each([
    ['*', { kind: 'any' }],
    ['*:443', { kind: 'any', ports: [{ from: 443, to: 443 }] }],
    ['Example.COM.', { kind: 'name', name: 'example.com' }],
    ['api.example.com:8000-8100', { kind: 'name', name: 'api.example.com', ports: [{ from: 8000, to: 8100 }] }],
    [
      '*.example.com:80|443',
      {
        kind: 'suffix',
        suffix: 'example.com',
        ports: [
          { from: 80, to: 80 },
          { from: 443, to: 443 },
        ],
      },
    ],
    ['localhost', { kind: 'name', name: 'localhost' }],
  ])('%s', (text, expected) => {
    expect(parseEntry(text)).toMatchObject(expected);
  });

  it.each([
    ['10.0.0.0/8', 'ipv4', 8, undefined],
    ['127.0.0.1:8080', 'ipv4', 32, [{ from: 8080, to: 8080 }]],
    ['::1', 'ipv6', 128, undefined],
    ['fd00::/8', 'ipv6', 8, undefined],
    ['[::1]:8080', 'ipv6', 128, [{ from: 8080, to: 8080 }]],
    ['[fd00::/8]:80', 'ipv6', 8, [{ from: 80, to: 80 }]],
    ['[fd00::]/8:80', 'ipv6', 8, [{ from: 80, to: 80 }]],
    ['::ffff:10.0.0.0/104', 'ipv4', 8, undefined],
  ])('%s is an address range', (text, kind, prefix, ports) => {
    const entry = parseEntry(text);
    if (entry.kind !== 'cidr') throw new Error(`${text} parsed as ${entry.kind}`);
    expect([entry.range[0].kind(), entry.range[1], entry.ports]).toEqual([kind, prefix, ports]);
  });

  it.each([
    ['127.1', /not a dotted quad/],
    ['0x7f000001', /not a host name/],
    ['10.0.0.0/33', /allowlist entry "10.0.0.0\/33"/],
    ['host:0', /bad port "0"/],
    ['host:9-1', /bad port "9-1"/],
    ['host:http', /bad port "http"/],
    ['*.com', /"\*\." must be followed by a domain with a dot/],
    ['a b', /not a host name/],
    ['user@host', /not a host name/],
    ['[::1', /without "]"/],
  ])('%s is refused', (text, message) => {
    expect(() => parseEntry(text)).toThrow(message);
  });

  it('a comma-separated list skips empty entries', () => {
    expect(parseAllowlist(' a.example , ,10.0.0.0/8,').entries.map((e) => e.text)).toEqual(['a.example', '10.0.0.0/8']);
  });
});
