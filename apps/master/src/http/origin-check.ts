import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether a WebSocket handshake may proceed: CORS does not apply to WebSockets, so a page elsewhere could read the
 * live streams in a visitor's browser. Allowed: no `Origin` (not a browser: scripts, the e2e tests), the master's own
 * origin (the dashboard; host compared, not scheme, since TLS may end in front of the master), or a configured origin.
 */
export function originAllowed(headers: IncomingHttpHeaders, allowed: ReadonlySet<string>): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  if (allowed.has(origin)) return true;
  try {
    return headers.host !== undefined && new URL(origin).host === headers.host;
  } catch {
    return false;
  }
}
