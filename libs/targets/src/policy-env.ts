import { parseAllowlist, type Allowlist, type DeniedEndpoint } from './allowlist.js';

/** Loopback, allowed by default in the embedded mode only (the local demo targets tools/target on 127.0.0.1). */
const EMBEDDED_DEFAULT = ['localhost', '127.0.0.0/8', '::1'];

export interface TargetPolicy {
  readonly allowlist: Allowlist;
  /** The entries in effect, as text (for a local worker's environment, logs). */
  readonly entries: string;
  /** Where they came from. */
  readonly source: 'LOADTEST_TARGET_ALLOWLIST' | 'embedded default (loopback)' | 'distributed default (empty)';
}

const DEFAULT_PORTS: Record<string, number> = { 'amqp:': 5672, 'amqps:': 5671, 'postgres:': 5432, 'postgresql:': 5432 };

/** The endpoint of a service URL (amqp:, postgres:…) as denied targets: the host and, for localhost, the loopback addresses. */
export function deniedEndpoints(url: string | undefined, what: string): DeniedEndpoint[] {
  if (!url) return [];
  try {
    const parsed = new URL(url);
    const port = parsed.port === '' ? DEFAULT_PORTS[parsed.protocol] : Number(parsed.port);
    if (port === undefined || parsed.hostname === '') return [];
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    // A service on localhost is reached on loopback: its addresses are denied too.
    const hosts = host === 'localhost' ? [host, '127.0.0.1', '::1'] : [host];
    return hosts.map((h) => ({ host: h, port, what }));
  } catch {
    return [];
  }
}

/**
 * The allowlist of a master or a worker from its environment: LOADTEST_TARGET_ALLOWLIST (comma-separated entries),
 * or by default loopback in the embedded mode (neither DATABASE_URL nor AMQP_URL) and nothing in the distributed
 * mode. The broker's and the database's host:port (AMQP_URL, DATABASE_URL, and `extraDenied`: an embedded PostgreSQL's) are always
 * denied. Throws naming a bad entry.
 */
export function targetPolicyFromEnv(env: NodeJS.ProcessEnv, extraDenied: readonly DeniedEndpoint[] = []): TargetPolicy {
  const denied = [...deniedEndpoints(env.AMQP_URL, 'broker'), ...deniedEndpoints(env.DATABASE_URL, 'database'), ...extraDenied];
  const set = env.LOADTEST_TARGET_ALLOWLIST;
  if (set !== undefined && set.trim() !== '') {
    try {
      return { allowlist: parseAllowlist(set, denied), entries: set, source: 'LOADTEST_TARGET_ALLOWLIST' };
    } catch (error) {
      throw new Error(`LOADTEST_TARGET_ALLOWLIST: ${(error as Error).message}`, { cause: error });
    }
  }
  const embedded = !env.DATABASE_URL && !env.AMQP_URL;
  const entries = embedded ? EMBEDDED_DEFAULT : [];
  return {
    allowlist: parseAllowlist(entries, denied),
    entries: entries.join(','),
    source: embedded ? 'embedded default (loopback)' : 'distributed default (empty)',
  };
}
