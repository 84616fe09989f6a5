import { z } from 'zod';

/** `viewer` reads; `operator` also writes plans and starts and stops runs; `admin` also manages users, tokens, the target allowlist and reads the audit log. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** What a route asks of its caller: nothing (`public`), or at least a role. */
export type Access = 'public' | Role;

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether `role` may do what `needed` may: the roles nest (admin ⊃ operator ⊃ viewer). */
export const roleAllows = (role: Role, needed: Role): boolean => RANK[role] >= RANK[needed];
