import type { IncomingHttpHeaders } from 'node:http';
import type { AuthStore } from './auth-store.js';
import { SESSION_COOKIE } from './authentication.js';
import type { RequestPrincipal } from './principal.js';

/**
 * The caller of a Socket.IO handshake, which does not pass through Fastify's hooks: the same two credentials as a
 * REST call (bearer token, else the session cookie, read with @fastify/cookie's parser). Null when neither is valid.
 */
export async function principalOfHandshake(
  headers: IncomingHttpHeaders,
  store: AuthStore,
  parseCookie: (header: string) => Record<string, string | undefined>,
): Promise<RequestPrincipal | null> {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    // The scheme and one token (RFC 6750 §2.1); anything else is refused, not guessed at.
    const match = /^bearer +([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization.trim());
    return match?.[1] ? store.principalOfToken(match[1]) : null;
  }
  const secret = headers.cookie === undefined ? undefined : parseCookie(headers.cookie)[SESSION_COOKIE];
  return secret === undefined ? null : store.principalOfSession(secret);
}
