import type { ApiToken } from '@loadtest/protocol';

export type TokenStatus = 'active' | 'expired' | 'revoked';

/** Whether a token still works: revoked wins over expired (it was ended on purpose). */
export function tokenStatus(token: Pick<ApiToken, 'revokedAt' | 'expiresAt'>, now: Date = new Date()): TokenStatus {
  if (token.revokedAt) return 'revoked';
  return new Date(token.expiresAt).getTime() <= now.getTime() ? 'expired' : 'active';
}
