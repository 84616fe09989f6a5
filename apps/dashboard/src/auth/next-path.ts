/**
 * Where to go after logging in: the `next` the login page was given, when it is a path of this dashboard.
 * Anything else (another origin, `//host`, `/\host`, the login page itself) goes to `/`, so a crafted link
 * cannot send a user elsewhere after they log in.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next === '/login' || next.startsWith('/login?') || next.startsWith('/login#')) return '/';
  return next;
}

/** The login page's address that returns to `path` (with its query and hash) after login. */
export function loginPathFor(path: string): string {
  return path === '/' || path === '' ? '/login' : `/login?next=${encodeURIComponent(path)}`;
}
