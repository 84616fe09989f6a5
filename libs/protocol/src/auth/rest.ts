import { z } from 'zod';
import { storedText } from '../stored-text.js';
import { RoleSchema } from './roles.js';

/** Letters, digits, `.`, `_`, `-` and `@`: a login name that is also safe to show in the audit log. */
export const UsernameSchema = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(64, { error: 'must be at most 64 characters' })
  .regex(/^[A-Za-z0-9._@-]+$/, { error: 'may hold only letters, digits, ., _, - and @' });

/** Long enough to resist guessing; argon2id-hashed when stored. */
export const PasswordSchema = z.string().min(12, { error: 'must be at least 12 characters' }).max(1024, { error: 'must be at most 1024 characters' });

export const UserSchema = z.object({
  id: z.string().uuid(),
  username: UsernameSchema,
  role: RoleSchema,
  /** Whether the user can log in to the dashboard with a password. */
  hasPassword: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.string(),
});
export type User = z.infer<typeof UserSchema>;
export const UserListSchema = z.object({ items: z.array(UserSchema) });

export const CreateUserBodySchema = z.strictObject({ username: UsernameSchema, role: RoleSchema, password: PasswordSchema.optional() });
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;

/** A disabled user's sessions end and its tokens stop working; a changed password ends its other sessions. */
export const UpdateUserBodySchema = z
  .strictObject({ role: RoleSchema.optional(), password: PasswordSchema.optional(), disabled: z.boolean().optional() })
  .refine((b) => b.role !== undefined || b.password !== undefined || b.disabled !== undefined, { error: 'give at least one of role, password, disabled' });
export type UpdateUserBody = z.infer<typeof UpdateUserBodySchema>;

/** Who is calling, and how (GET /auth/me). */
export const PrincipalSchema = z.object({
  user: z.object({ id: z.string().uuid(), username: z.string(), role: RoleSchema }),
  via: z.enum(['session', 'token']),
  /** For a session: the token to send as `x-csrf-token` on every write. */
  csrfToken: z.string().optional(),
});
export type Principal = z.infer<typeof PrincipalSchema>;

// The name is looked up and kept in the audit log (a refused login): text PostgreSQL can store.
export const LoginBodySchema = z.strictObject({ username: z.string().min(1).max(64).superRefine(storedText('line')), password: z.string().min(1).max(1024) });
export type LoginBody = z.infer<typeof LoginBodySchema>;

/** The one-time login link's secret (the `#once=` part of the URL the master prints on its first start). */
export const LoginLinkBodySchema = z.strictObject({ token: z.string().min(1).max(200) });

/** API token names: shown in lists and in the audit log. */
export const TokenNameSchema = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(100, { error: 'must be at most 100 characters' })
  .superRefine(storedText('line'));

export const CreateTokenBodySchema = z.strictObject({
  name: TokenNameSchema,
  /** Whose token it is (acts with that user's role); the caller by default. */
  userId: z.string().uuid().optional(),
  /** Days until it expires (1 to 3650); 90 by default. */
  expiresInDays: z.number().int().min(1).max(3650).default(90),
});
export type CreateTokenBody = z.input<typeof CreateTokenBodySchema>;

export const ApiTokenSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  userId: z.string().uuid(),
  username: z.string(),
  /** The token's first characters (`lt_AbCd`), to recognise it; the rest is never stored. */
  prefix: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;
export const ApiTokenListSchema = z.object({ items: z.array(ApiTokenSchema) });
/** Answered once, at creation: the token itself is never shown again. */
export const CreatedApiTokenSchema = ApiTokenSchema.extend({ token: z.string() });
export type CreatedApiToken = z.infer<typeof CreatedApiTokenSchema>;

/** An allowlist entry as written: a host, `*.domain`, an IP or CIDR, or `*`, each with optional `:ports` (docs/security.md). */
export const AllowlistEntryTextSchema = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(300, { error: 'must be at most 300 characters' })
  .superRefine(storedText('line'));

export const TargetAllowlistSchema = z.object({
  /** From LOADTEST_TARGET_ALLOWLIST (or the mode's default): changed only by restarting with another value. */
  environment: z.array(z.string()),
  /** Set by admins through this API, kept in the database; added to the environment's. */
  stored: z.array(z.string()),
  /** The platform's own endpoints (broker, database), refused unless an entry names them with their port. */
  denied: z.array(z.string()),
});
export type TargetAllowlist = z.infer<typeof TargetAllowlistSchema>;
export const PutTargetAllowlistBodySchema = z.strictObject({ entries: z.array(AllowlistEntryTextSchema).max(1000, { error: 'at most 1000 entries' }) });
