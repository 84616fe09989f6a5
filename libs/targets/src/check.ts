import ipaddr from 'ipaddr.js';
import { lookup as dnsLookup } from 'node:dns/promises';
import {
  ALWAYS_DENIED,
  describeAllowlist,
  isIpLiteral,
  METADATA_NAMES,
  normaliseHost,
  parseIp,
  portAllowed,
  type AllowEntry,
  type Allowlist,
  type IpAddress,
  type IpRange,
} from './allowlist.js';
import { TargetRefused } from './refused.js';

const DENIED_RANGES = ALWAYS_DENIED.map(({ cidr, why }) => ({ cidr, why, range: ipaddr.parseCIDR(cidr) as IpRange }));

/** One address the resolver answered. */
export interface LookupAddress {
  readonly address: string;
  readonly family: number;
}
/** Resolves a host name to every one of its addresses (injectable, for tests). */
export type Lookup = (hostname: string) => Promise<readonly LookupAddress[]>;

export const systemLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

function inRange(address: IpAddress, [network, prefix]: IpRange): boolean {
  return address.kind() === network.kind() && address.match(network, prefix);
}

/** An entry that names (part of) `denied` itself: a range inside it, not a wider one such as 0.0.0.0/0. */
function namesInside(entry: AllowEntry, denied: IpRange): boolean {
  return entry.kind === 'cidr' && entry.range[1] >= denied[1] && inRange(entry.range[0], denied);
}

function matchesAddress(entry: AllowEntry, address: IpAddress, port: number): boolean {
  return entry.kind === 'cidr' && inRange(address, entry.range) && portAllowed(entry, port);
}

/** `::/96` (IPv4-compatible, deprecated) reads as unicast to ipaddr.js: it is no public address. */
function rangeOf(address: IpAddress): string {
  if (
    address.kind() === 'ipv6' &&
    address
      .toByteArray()
      .slice(0, 12)
      .every((b) => b === 0)
  )
    return 'ipv4Compatible';
  return address.range();
}

/**
 * Checks one address and port. `viaName`: the host name it was resolved from, already allowed by a name entry
 * (checkHostName); a name entry allows public (unicast) addresses only: a private, loopback or otherwise special one
 * needs an address entry. Always refused unless an entry names them explicitly: link-local and cloud metadata
 * ranges, the unspecified addresses, the platform's own endpoints (`allowlist.denied`, with their port).
 * Returns the address in its canonical form (IPv4-mapped IPv6 unwrapped).
 */
export function checkAddress(ip: string, port: number, allowlist: Allowlist, viaName?: string): string {
  const host = viaName ?? ip;
  let address: IpAddress;
  try {
    address = parseIp(normaliseHost(ip));
  } catch (error) {
    throw new TargetRefused(host, (error as Error).message, ip);
  }
  const canonical = address.toString();
  const refuse = (rule: string): never => {
    throw new TargetRefused(host, rule, canonical);
  };
  for (const denied of DENIED_RANGES) {
    if (inRange(address, denied.range) && !allowlist.entries.some((entry) => namesInside(entry, denied.range) && matchesAddress(entry, address, port))) {
      refuse(`always denied: ${denied.cidr} is ${denied.why} (allowed only by an entry inside it)`);
    }
  }
  for (const endpoint of allowlist.denied) {
    if (endpoint.port !== port || !isIpLiteral(endpoint.host) || parseIp(endpoint.host).toString() !== canonical) continue;
    const single = (entry: AllowEntry) => entry.kind === 'cidr' && entry.ports !== undefined && entry.range[1] === (address.kind() === 'ipv4' ? 32 : 128);
    if (!allowlist.entries.some((entry) => single(entry) && matchesAddress(entry, address, port))) {
      refuse(`always denied: ${canonical}:${port} is the ${endpoint.what}'s own endpoint (allowed only by an entry naming that address with that port)`);
    }
  }
  if (allowlist.entries.some((entry) => (entry.kind === 'any' && portAllowed(entry, port)) || matchesAddress(entry, address, port))) return canonical;
  const range = rangeOf(address);
  if (viaName !== undefined && range === 'unicast') return canonical;
  if (viaName !== undefined)
    refuse(
      `resolves to ${canonical}, a ${range} address: a host name entry allows public addresses only, and no address entry allows it on port ${port} (${describeAllowlist(allowlist)})`,
    );
  return refuse(`address ${canonical} port ${port} is not in the allowlist (${describeAllowlist(allowlist)})`);
}

/** Checks a host name (not an IP) and port against the name entries, without DNS. Returns the normalised name. */
export function checkHostName(hostName: string, port: number, allowlist: Allowlist): string {
  const name = normaliseHost(hostName);
  const exact = (entry: AllowEntry) => entry.kind === 'name' && entry.name === name;
  if (METADATA_NAMES.includes(name) && !allowlist.entries.some((entry) => exact(entry) && portAllowed(entry, port))) {
    throw new TargetRefused(hostName, `always denied: ${name} is a cloud metadata service (allowed only by an entry naming it)`);
  }
  for (const endpoint of allowlist.denied) {
    if (
      endpoint.host === name &&
      endpoint.port === port &&
      !allowlist.entries.some((entry) => exact(entry) && entry.ports !== undefined && portAllowed(entry, port))
    ) {
      throw new TargetRefused(
        hostName,
        `always denied: ${name}:${port} is the ${endpoint.what}'s own endpoint (allowed only by an entry naming it with that port)`,
      );
    }
  }
  const allowed = allowlist.entries.some(
    (entry) => portAllowed(entry, port) && (entry.kind === 'any' || exact(entry) || (entry.kind === 'suffix' && name.endsWith(`.${entry.suffix}`))),
  );
  if (!allowed) throw new TargetRefused(hostName, `host ${name} port ${port} is not in the allowlist (${describeAllowlist(allowlist)})`);
  return name;
}

/** A URL whose host (or port) is a template (`${…}`): where it goes is only known per virtual user. */
export function hasTemplateHost(url: string): boolean {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url.trim())?.[1] ?? '';
  return authority.includes('${');
}

export interface CheckedUrl {
  /** The host, normalised: an IP (IPv6 without brackets) or a name. */
  readonly host: string;
  readonly port: number;
  readonly isIp: boolean;
  /** The host is a template (allowed by `*`): `host` is the authority as written, `port` 0. */
  readonly template: boolean;
}

/**
 * Checks a target URL without DNS: WHATWG parsing (which turns `0x7f000001`, `2130706433`, `0177.0.0.1`, `127.1`
 * and `%31%32%37.0.0.1` into 127.0.0.1), http or https only, no userinfo, then the host (an IP against the address
 * rules, a name against the name rules) and the port. A template host is refused unless the allowlist allows any host.
 */
export function checkUrl(url: string, allowlist: Allowlist): CheckedUrl {
  if (hasTemplateHost(url)) {
    const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url.trim())?.[1] ?? url;
    if (!/^https?:\/\//i.test(url.trim())) throw new TargetRefused(authority, 'only http and https URLs are allowed');
    if (!allowlist.entries.some((entry) => entry.kind === 'any')) {
      throw new TargetRefused(authority, 'the host is a template variable: allowed only when the allowlist allows any host ("*")');
    }
    // What it names is checked per address by the worker, which sends only to the base URL's host anyway.
    return { host: authority, port: 0, isIp: false, template: true };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new TargetRefused(url, `not a valid URL (${(error as Error).message})`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new TargetRefused(parsed.host || url, `scheme ${parsed.protocol} is not allowed (http and https only)`);
  if (parsed.username !== '' || parsed.password !== '') throw new TargetRefused(parsed.host, 'a URL with userinfo (user@ or user:password@) is refused');
  const host = normaliseHost(parsed.hostname);
  const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
  if (host === '') throw new TargetRefused(url, 'the URL has no host');
  const isIp = isIpLiteral(host);
  if (isIp) checkAddress(host, port, allowlist);
  else checkHostName(host, port, allowlist);
  return { host, port, isIp, template: false };
}

export interface ResolvedTarget {
  readonly host: string;
  readonly port: number;
  /** Every address the host resolved to, each checked (canonical form), in the resolver's order. */
  readonly addresses: readonly string[];
}

/**
 * Resolves a host (name or IP literal) and checks every address it has: one refused address refuses the host, as a
 * connection could go to any of them. Connect to one of `addresses` (the IP literal), never to the name again: a
 * second lookup may answer differently (DNS rebinding).
 */
export async function resolveAndCheck(host: string, port: number, allowlist: Allowlist, lookup: Lookup = systemLookup): Promise<ResolvedTarget> {
  const normalised = normaliseHost(host);
  if (isIpLiteral(normalised)) return { host: normalised, port, addresses: [checkAddress(normalised, port, allowlist)] };
  const name = checkHostName(normalised, port, allowlist);
  let answers: readonly LookupAddress[];
  try {
    answers = await lookup(name);
  } catch (error) {
    throw new TargetRefused(host, `cannot be resolved (${(error as Error).message})`);
  }
  if (answers.length === 0) throw new TargetRefused(host, 'resolves to no address');
  return { host: name, port, addresses: answers.map((answer) => checkAddress(answer.address, port, allowlist, name)) };
}
