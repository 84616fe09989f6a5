/** Which credential opened a live connection: so that ending it (logout, revocation, a disabled user) closes the connection. */
export interface LiveCredential {
  userId: string;
  /** The session's or the API token's id. */
  credentialId: string;
  via: 'session' | 'token';
}

/** Which connections to close: those whose credential this answers true for. */
export type CredentialMatch = (credential: LiveCredential) => boolean;
