import ipaddr from 'ipaddr.js';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;
export type IpRange = [IpAddress, number];

/** An inclusive range of ports; an entry without ports allows every port. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** One entry of the allowlist, as parsed from its text (kept for messages). */
export type AllowEntry = { readonly text: string; readonly ports?: readonly PortRange[] } & (
  | { readonly kind: 'any' }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'suffix'; readonly suffix: string }
  | { readonly kind: 'cidr'; readonly range: IpRange }
);

/** A service of the platform's own (the broker, the database): never a target unless an entry names it with its port. */
export interface DeniedEndpoint {
  readonly host: string;
  readonly port: number;
  /** What it is, for messages: `broker`, `database`. */
  readonly what: string;
}

export interface Allowlist {
  readonly entries: readonly AllowEntry[];
  readonly denied: readonly DeniedEndpoint[];
}

/** Host names of cloud metadata services: refused unless an entry names them exactly. */
export const METADATA_NAMES: readonly string[] = ['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal'];

/** Address ranges refused unless an entry lies inside them (names them explicitly): `0.0.0.0/0` or `*` does not. */
export const ALWAYS_DENIED: readonly { readonly cidr: string; readonly why: string }[] = [
  { cidr: '169.254.0.0/16', why: 'link-local, where cloud metadata services answer' },
  { cidr: 'fe80::/10', why: 'IPv6 link-local' },
  { cidr: '0.0.0.0/8', why: 'unspecified ("this host")' },
  { cidr: '::/128', why: 'IPv6 unspecified' },
  { cidr: 'fd00:ec2::254/128', why: 'cloud metadata (AWS, IPv6)' },
  { cidr: '100.100.100.200/32', why: 'cloud metadata (Alibaba Cloud)' },
];

/** Strictly an IP address (dotted quad or IPv6): `127.1`, `0x7f000001` or `0177.0.0.1` are not. */
export function isIpLiteral(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text) || ipaddr.IPv6.isValid(text);
}

/** Parses a strict IP literal, an IPv4-mapped IPv6 address unwrapped to its IPv4 one. */
export function parseIp(text: string): IpAddress {
  if (!isIpLiteral(text)) throw new Error(`${JSON.stringify(text)} is not an IP address`);
  return ipaddr.process(text);
}

/** Lower case, without the trailing dot of a fully qualified name and without the brackets of an IPv6 URL host. */
export function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  while (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

function parsePorts(text: string, entry: string): PortRange[] {
  return text.split('|').map((part) => {
    const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part);
    const from = Number(match?.[1]);
    const to = match?.[2] === undefined ? from : Number(match[2]);
    if (!match || from < 1 || to > 65535 || from > to)
      throw new Error(`allowlist entry ${JSON.stringify(entry)}: bad port ${JSON.stringify(part)} (a port or a range like 8000-8100)`);
    return { from, to };
  });
}

function parseRange(text: string, entry: string): IpRange {
  try {
    const [address, prefix] = text.includes('/') ? ipaddr.parseCIDR(text) : [ipaddr.parse(text), text.includes(':') ? 128 : 32];
    if (!text.includes('/') && !isIpLiteral(text)) throw new Error('not a dotted quad or an IPv6 address');
    // An IPv4-mapped IPv6 range is the IPv4 range it maps: addresses are compared unwrapped.
    if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96)
      return [(address as ipaddr.IPv6).toIPv4Address(), prefix - 96];
    return [address, prefix];
  } catch (error) {
    throw new Error(`allowlist entry ${JSON.stringify(entry)}: ${(error as Error).message}`, { cause: error });
  }
}

function validName(name: string): boolean {
  try {
    return /^[a-z0-9.-]+$/.test(name) && new URL(`http://${name}/`).hostname === name;
  } catch {
    return false;
  }
}

/**
 * One entry: `*` (any host), `host`, `*.domain` (the domain's subdomains, not the domain itself), an IP address
 * or a CIDR (v4, v6; IPv6 in brackets when a port follows: `[::1]:8080`, `[fd00::/8]:80`), each with optional
 * ports after a colon: `:8080`, `:8000-8100`, `:80|443`.
 */
export function parseEntry(text: string): AllowEntry {
  const entry = text.trim().toLowerCase();
  let host = entry;
  let portText: string | undefined;
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close < 0) throw new Error(`allowlist entry ${JSON.stringify(text)}: "[" without "]"`);
    const rest = entry.slice(close + 1);
    host = entry.slice(1, close);
    // `[fd00::]/8:80` as well as `[fd00::/8]:80`.
    const tail = /^(\/\d{1,3})?(?::(.+))?$/.exec(rest);
    if (!tail) throw new Error(`allowlist entry ${JSON.stringify(text)}: unexpected ${JSON.stringify(rest)} after "]"`);
    host += tail[1] ?? '';
    portText = tail[2];
  } else if (entry.split(':').length === 2) {
    [host, portText] = entry.split(':') as [string, string];
  }
  const ports = portText === undefined ? undefined : parsePorts(portText, text);
  const base = { text: text.trim(), ...(ports ? { ports } : {}) };
  if (host === '*') return { ...base, kind: 'any' };
  if (host.includes(':') || host.includes('/') || /^[\d.]+$/.test(host)) return { ...base, kind: 'cidr', range: parseRange(host, text) };
  const name = normaliseHost(host);
  if (name.startsWith('*.')) {
    const suffix = name.slice(2);
    if (!validName(suffix) || !suffix.includes('.')) throw new Error(`allowlist entry ${JSON.stringify(text)}: "*." must be followed by a domain with a dot`);
    return { ...base, kind: 'suffix', suffix };
  }
  if (!validName(name)) throw new Error(`allowlist entry ${JSON.stringify(text)}: not a host name, an IP address, a CIDR or "*"`);
  return { ...base, kind: 'name', name };
}

/**
 * The allowlist from its entries (a comma-separated string or a list; empty ones skipped); throws naming a bad
 * entry. `denied`: the platform's own endpoints (the broker's, the database's), refused unless named with their port.
 */
export function parseAllowlist(entries: string | readonly string[], denied: readonly DeniedEndpoint[] = []): Allowlist {
  const list = typeof entries === 'string' ? entries.split(',') : entries;
  return {
    entries: list.filter((entry) => entry.trim() !== '').map(parseEntry),
    denied: denied.map((endpoint) => ({ ...endpoint, host: normaliseHost(endpoint.host) })),
  };
}

export function portAllowed(entry: AllowEntry, port: number): boolean {
  return entry.ports === undefined || entry.ports.some((range) => port >= range.from && port <= range.to);
}

/** Whether the allowlist lets any host through (`*`, on some port): a host given by a template is then allowed. */
export function allowsAnyHost(allowlist: Allowlist): boolean {
  return allowlist.entries.some((entry) => entry.kind === 'any');
}

export function describeAllowlist(allowlist: Allowlist): string {
  return allowlist.entries.length === 0
    ? 'the allowlist is empty (set LOADTEST_TARGET_ALLOWLIST)'
    : `allowlist: ${allowlist.entries.map((e) => e.text).join(', ')}`;
}
