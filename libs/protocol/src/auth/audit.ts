import { z } from 'zod';
import { storedText } from '../stored-text.js';

export const AUDIT_ACTIONS = [
  'login',
  'login.failed',
  'logout',
  'token.created',
  'token.revoked',
  'user.created',
  'user.changed',
  'plan.created',
  'plan.changed',
  'plan.deleted',
  'run.started',
  'run.stopped',
  'allowlist.changed',
] as const;
export const AuditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditActionSchema>;

export const AuditEventSchema = z.object({
  id: z.string(),
  at: z.string(),
  action: AuditActionSchema,
  /** Who: the user's name (null for a failed login by an unknown name), and how they were authenticated. */
  actor: z.string().nullable(),
  actorId: z.string().nullable(),
  via: z.enum(['session', 'token', 'login-link', 'password']).nullable(),
  /** The client's address as the master saw it. */
  ip: z.string().nullable(),
  /** What it was done to: `plan`, `run`, `user`, `token`, `allowlist`, and its id. */
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  /** What else matters (a run's target hosts and peak load; a user's new role; never a secret). */
  details: z.record(z.string(), z.unknown()),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

export const AuditQuerySchema = z.object({
  action: AuditActionSchema.optional(),
  actor: z.string().max(64).superRefine(storedText('line')).optional(),
  subjectId: z.string().max(100).superRefine(storedText('line')).optional(),
  /** ISO 8601 instants: events at or after `since`, before `until`. */
  since: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
  until: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().regex(/^\d+$/, { error: 'must be a cursor from a previous page' }).optional(),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;
export const AuditPageSchema = z.object({ items: z.array(AuditEventSchema), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof AuditPageSchema>;
