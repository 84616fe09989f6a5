import { RoleSchema, type ApiToken, type Role, type User } from '@loadtest/protocol';
import { randomUUID } from 'node:crypto';
import { auditInsert, type AuditRecord } from '../audit/audit-record.js';
import type { PrismaClient } from '../persistence/prisma.js';
import { hashPassword, passwordMatches } from './passwords.js';
import type { RequestPrincipal } from './principal.js';
import { displayPrefix, newSecret, secretHash } from './secrets.js';

/** How long a dashboard session lasts from its login. */
export const SESSION_TTL_MS = 7 * 24 * 3600_000;
/** A token's last use is written at most this often, so that a busy client does not write on every call. */
const LAST_USED_EVERY_MS = 60_000;

interface UserRow {
  id: string;
  username: string;
  role: string;
  passwordHash: string | null;
  disabledAt: Date | null;
  createdAt: Date;
}

/** A stored role outside ROLES (edited by hand) is read as the least one: it never grants more. */
const roleOf = (stored: string): Role => RoleSchema.catch('viewer').parse(stored);

export const toUser = (row: UserRow): User => ({
  id: row.id,
  username: row.username,
  role: roleOf(row.role),
  hasPassword: row.passwordHash !== null,
  disabled: row.disabledAt !== null,
  createdAt: row.createdAt.toISOString(),
});

interface TokenRow {
  id: string;
  name: string;
  userId: string;
  prefix: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  user: { username: string };
}

const toApiToken = (row: TokenRow): ApiToken => ({
  id: row.id,
  name: row.name,
  userId: row.userId,
  username: row.user.username,
  prefix: row.prefix,
  createdAt: row.createdAt.toISOString(),
  expiresAt: row.expiresAt.toISOString(),
  revokedAt: row.revokedAt?.toISOString() ?? null,
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
});

/** Users, their API tokens, dashboard sessions and one-time login links. Secrets are kept only as SHA-256. */
export class AuthStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** The caller behind an API token, or null when it is unknown, revoked, expired or its user disabled. */
  async principalOfToken(secret: string, now = new Date()): Promise<RequestPrincipal | null> {
    const row = await this.prisma.apiToken.findUnique({ where: { secretHash: secretHash(secret) }, include: { user: true } });
    if (!row || row.revokedAt !== null || row.expiresAt <= now || row.user.disabledAt !== null) return null;
    if (row.lastUsedAt === null || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_EVERY_MS) {
      // Not awaited: the call does not wait for a bookkeeping write.
      void this.prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } }).catch(() => undefined);
    }
    return { userId: row.userId, username: row.user.username, role: roleOf(row.user.role), via: 'token', credentialId: row.id };
  }

  /** The caller behind a session cookie, or null when it is unknown, expired or its user disabled. */
  async principalOfSession(secret: string, now = new Date()): Promise<RequestPrincipal | null> {
    const row = await this.prisma.session.findUnique({ where: { secretHash: secretHash(secret) }, include: { user: true } });
    if (!row || row.expiresAt <= now || row.user.disabledAt !== null) return null;
    return { userId: row.userId, username: row.user.username, role: roleOf(row.user.role), via: 'session', credentialId: row.id };
  }

  /** The user whose name and password these are (argon2id), or null; an unknown name costs as long as a wrong password. */
  async userByPassword(username: string, password: string): Promise<User | null> {
    const row = await this.prisma.user.findUnique({ where: { username } });
    const matches = await passwordMatches(row?.passwordHash ?? null, password);
    return row && matches && row.disabledAt === null ? toUser(row) : null;
  }

  /** Spends a one-time login link: its user, or null when it is unknown, used or expired. Used once even under a race. */
  async userByLoginLink(secret: string, now = new Date()): Promise<User | null> {
    const hash = secretHash(secret);
    const { count } = await this.prisma.loginLink.updateMany({ where: { secretHash: hash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    if (count !== 1) return null;
    const link = await this.prisma.loginLink.findUnique({ where: { secretHash: hash }, include: { user: true } });
    return link && link.user.disabledAt === null ? toUser(link.user) : null;
  }

  async createLoginLink(userId: string, ttlMs: number): Promise<{ secret: string; expiresAt: Date }> {
    const secret = newSecret('loginLink');
    const expiresAt = new Date(Date.now() + ttlMs);
    await this.prisma.loginLink.create({ data: { userId, secretHash: secretHash(secret), expiresAt } });
    return { secret, expiresAt };
  }

  /** A login: the new session and its audit line in one transaction. */
  async createSession(userId: string, audit: AuditRecord): Promise<{ id: string; secret: string; expiresAt: Date }> {
    const secret = newSecret('session');
    const id = randomUUID();
    const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
    await this.prisma.$transaction([
      this.prisma.session.create({ data: { id, userId, secretHash: secretHash(secret), expiresAt } }),
      auditInsert(this.prisma, { ...audit, actorId: userId, subjectType: 'user', subjectId: userId }),
      // Expired sessions of anyone go with each login: the table holds only live ones.
      this.prisma.session.deleteMany({ where: { expiresAt: { lte: new Date() } } }),
    ]);
    return { id, secret, expiresAt };
  }

  async endSession(id: string, audit: AuditRecord): Promise<void> {
    await this.prisma.$transaction([this.prisma.session.deleteMany({ where: { id } }), auditInsert(this.prisma, audit)]);
  }

  /** A refused login is on record too (not in a transaction: nothing else is written). */
  async recordFailedLogin(audit: AuditRecord): Promise<void> {
    await auditInsert(this.prisma, audit);
  }

  async userCount(): Promise<number> {
    return this.prisma.user.count();
  }

  async listUsers(): Promise<User[]> {
    return (await this.prisma.user.findMany({ orderBy: { createdAt: 'asc' } })).map(toUser);
  }

  async getUser(id: string): Promise<User | null> {
    const row = await this.prisma.user.findUnique({ where: { id } });
    return row ? toUser(row) : null;
  }

  async userByName(username: string): Promise<User | null> {
    const row = await this.prisma.user.findUnique({ where: { username } });
    return row ? toUser(row) : null;
  }

  /** Null when the name is taken; `audit` null only for the first start's admin, which has no one to name. */
  async createUser(input: { username: string; role: Role; password?: string | undefined }, audit: AuditRecord | null): Promise<User | null> {
    if (await this.userByName(input.username)) return null;
    const id = randomUUID();
    const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
    const create = this.prisma.user.create({ data: { id, username: input.username, role: input.role, passwordHash } });
    const details = { username: input.username, role: input.role, password: input.password !== undefined };
    try {
      const [row] = await this.prisma.$transaction([
        create,
        ...(audit ? [auditInsert(this.prisma, { ...audit, subjectType: 'user', subjectId: id, details })] : []),
      ]);
      return toUser(row);
    } catch (error) {
      // Taken meanwhile by a concurrent create (unique username).
      if ((error as { code?: string }).code === 'P2002') return null;
      throw error;
    }
  }

  /**
   * Null for an unknown user. A new password or a disabled user ends the user's sessions, but `keepSessionId`:
   * the session of a user changing their own password.
   */
  async updateUser(
    id: string,
    change: { role?: Role | undefined; password?: string | undefined; disabled?: boolean | undefined },
    audit: AuditRecord,
    keepSessionId?: string,
  ): Promise<User | null> {
    const passwordHash = change.password === undefined ? undefined : await hashPassword(change.password);
    const data = {
      ...(change.role !== undefined ? { role: change.role } : {}),
      ...(passwordHash !== undefined ? { passwordHash } : {}),
      ...(change.disabled !== undefined ? { disabledAt: change.disabled ? new Date() : null } : {}),
    };
    if (!(await this.getUser(id))) return null;
    const endsSessions = passwordHash !== undefined || change.disabled === true;
    const details = {
      ...(change.role !== undefined ? { role: change.role } : {}),
      ...(passwordHash !== undefined ? { password: 'changed' } : {}),
      ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
    };
    await this.prisma.$transaction([
      this.prisma.user.update({ where: { id }, data }),
      ...(endsSessions ? [this.prisma.session.deleteMany({ where: { userId: id, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) } })] : []),
      auditInsert(this.prisma, { ...audit, subjectType: 'user', subjectId: id, details }),
    ]);
    return this.getUser(id);
  }

  async adminCount(): Promise<number> {
    return this.prisma.user.count({ where: { role: 'admin', disabledAt: null } });
  }

  async listTokens(): Promise<ApiToken[]> {
    return (await this.prisma.apiToken.findMany({ orderBy: { createdAt: 'desc' }, include: { user: { select: { username: true } } } })).map(toApiToken);
  }

  /** The token's record and, this once, its secret (`secret` given: a secret chosen by the environment, LOADTEST_ADMIN_TOKEN). */
  async createToken(input: { userId: string; name: string; expiresAt: Date; secret?: string }, audit: AuditRecord): Promise<ApiToken & { token: string }> {
    const secret = input.secret ?? newSecret('apiToken');
    const id = randomUUID();
    const [row] = await this.prisma.$transaction([
      this.prisma.apiToken.create({
        data: { id, userId: input.userId, name: input.name, prefix: displayPrefix(secret), secretHash: secretHash(secret), expiresAt: input.expiresAt },
        include: { user: { select: { username: true } } },
      }),
      auditInsert(this.prisma, {
        ...audit,
        subjectType: 'token',
        subjectId: id,
        details: { name: input.name, userId: input.userId, prefix: displayPrefix(secret), expiresAt: input.expiresAt.toISOString() },
      }),
    ]);
    return { ...toApiToken(row), token: secret };
  }

  async tokenBySecret(secret: string): Promise<ApiToken | null> {
    const row = await this.prisma.apiToken.findUnique({ where: { secretHash: secretHash(secret) }, include: { user: { select: { username: true } } } });
    return row ? toApiToken(row) : null;
  }

  /** Null for an unknown token; revoking twice keeps the first instant (and is recorded once). */
  async revokeToken(id: string, audit: AuditRecord): Promise<ApiToken | null> {
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
      if (count === 1) await auditInsert(tx, { ...audit, subjectType: 'token', subjectId: id });
    });
    const row = await this.prisma.apiToken.findUnique({ where: { id }, include: { user: { select: { username: true } } } });
    return row ? toApiToken(row) : null;
  }
}
