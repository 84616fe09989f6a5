/**
 * The session's CSRF token, as the last login or `GET /auth/me` answered it. Kept in memory only (never in
 * storage): a new page load asks `/auth/me` again, which answers a fresh one.
 */
let current: string | null = null;

export const csrfToken = (): string | null => current;

export function setCsrfToken(token: string | null | undefined): void {
  current = token ?? null;
}
