import { createHash, randomBytes } from 'node:crypto';

/** What each kind of secret starts with: recognisable in a log, a paste or a secret scanner's rules. */
export const SECRET_PREFIX = { apiToken: 'lt_', session: 'lts_', loginLink: 'ltl_' } as const;
export type SecretKind = keyof typeof SECRET_PREFIX;

/** 32 random bytes (43 base64url characters) after the kind's prefix. */
export function newSecret(kind: SecretKind): string {
  return `${SECRET_PREFIX[kind]}${randomBytes(32).toString('base64url')}`;
}

/** Only this is stored: a leaked table gives no usable secret, and lookups stay exact (unlike a salted hash). */
export const secretHash = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** A secret of that kind by its shape: a prefix and at least 32 random bytes in base64url. */
export function hasSecretShape(kind: SecretKind, value: string): boolean {
  const prefix = SECRET_PREFIX[kind];
  return value.startsWith(prefix) && /^[A-Za-z0-9_-]{43,200}$/.test(value.slice(prefix.length));
}

/** What a list shows of an API token: its prefix and 4 more characters. */
export const displayPrefix = (secret: string): string => secret.slice(0, SECRET_PREFIX.apiToken.length + 4);
