/**
 * The one-time login link the master prints at its first start: `http://host/login#once=<secret>`. The secret is
 * in the hash so that it never reaches a server log or a Referer.
 */
export function loginLinkSecret(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const secret = params.get('once');
  return secret ? secret : null;
}

/**
 * Takes the secret out of the address bar (so it is not left in the history or a bookmark) and returns it; null
 * when the address holds none.
 */
export function takeLoginLinkSecret(location: Pick<Location, 'hash' | 'pathname' | 'search'>, history: Pick<History, 'replaceState' | 'state'>): string | null {
  const secret = loginLinkSecret(location.hash);
  if (secret !== null) history.replaceState(history.state, '', `${location.pathname}${location.search}`);
  return secret;
}
