import type { Role } from '@loadtest/protocol';

/** Who is calling and how: set on the request by authentication (authentication.ts). */
export interface RequestPrincipal {
  userId: string;
  username: string;
  role: Role;
  via: 'session' | 'token';
  /** The session's or the token's row id. */
  credentialId: string;
}
