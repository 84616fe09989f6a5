import { checkUrl, isIpLiteral, resolveAndCheck, systemLookup, type Allowlist, type Lookup } from '@loadtest/targets';

/** Where a share's connections go: the checked IP literal, with the name the plan gave kept for the request. */
export interface PinnedTarget {
  /** The base URL with its host replaced by the checked address: what autocannon connects to, on every reconnect. */
  readonly url: string;
  /** The Host header: the base URL's own host (and port), as the target expects it. */
  readonly host: string;
  /** The TLS server name (SNI) for https to a host name; none for an IP host. */
  readonly servername?: string;
  /** The address connected to, and every address the host resolved to (all checked). */
  readonly address: string;
  readonly addresses: readonly string[];
}

/** What a worker checks its targets with: its own allowlist (it does not trust the master's check) and resolver. */
export interface TargetGuard {
  readonly allowlist: Allowlist;
  /** The resolver (tests inject one); the system's by default. */
  readonly lookup?: Lookup;
}

/**
 * Resolves the base URL's host once, checks every address it has, and pins the share to the first: autocannon
 * resolves the name again on every reconnect (net.connect(port, hostname)), so a DNS answer that changed since the
 * check (rebinding) could otherwise move the load to another address. Throws TargetRefused naming the host and the rule.
 */
export async function pinTarget(baseUrl: string, guard: TargetGuard): Promise<PinnedTarget> {
  const checked = checkUrl(baseUrl, guard.allowlist);
  const url = new URL(baseUrl);
  const resolved = await resolveAndCheck(checked.host, checked.port, guard.allowlist, guard.lookup ?? systemLookup);
  const address = resolved.addresses[0]!;
  const pinned = new URL(url.href);
  pinned.hostname = address.includes(':') ? `[${address}]` : address;
  pinned.port = String(checked.port);
  return {
    url: pinned.href,
    host: url.host,
    ...(url.protocol === 'https:' && !isIpLiteral(checked.host) ? { servername: checked.host } : {}),
    address,
    addresses: resolved.addresses,
  };
}
