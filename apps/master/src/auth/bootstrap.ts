import type { Logger } from 'pino';
import type { AuthStore } from './auth-store.js';
import { hasSecretShape } from './secrets.js';

export interface BootstrapOptions {
  /** LOADTEST_ADMIN_PASSWORD: the first admin's password, on the first start only. */
  adminPassword?: string | undefined;
  /** LOADTEST_ADMIN_TOKEN: an admin API token (`lt_` + 43 base64url characters or more) that works from this start on. */
  adminToken?: string | undefined;
}

/** How long the first start's login link works. */
export const LOGIN_LINK_TTL_MS = 24 * 3600_000;
const ENVIRONMENT_TOKEN_NAME = 'LOADTEST_ADMIN_TOKEN (environment)';
const ENVIRONMENT_TOKEN_TTL_MS = 10 * 365 * 24 * 3600_000;
export const FIRST_ADMIN = 'admin';

/**
 * Zero setup stays one command: with no user at all, the master creates the `admin` user. It can then be reached
 * with the environment's password or token, if given; without either, and as long as no admin has a password, each
 * start makes a one-time login link (valid a day), which the caller prints. Answers that link's secret, if any.
 */
export async function bootstrapAdmin(store: AuthStore, options: BootstrapOptions, logger: Logger): Promise<{ loginLinkSecret: string | null }> {
  if (options.adminToken !== undefined && !hasSecretShape('apiToken', options.adminToken))
    throw new Error('LOADTEST_ADMIN_TOKEN must be lt_ followed by at least 43 base64url characters (32 random bytes)');
  const system = { actorId: null, actor: 'master (first start)', via: null, ip: null } as const;
  if ((await store.userCount()) === 0) {
    const created = await store.createUser({ username: FIRST_ADMIN, role: 'admin', password: options.adminPassword }, { ...system, action: 'user.created' });
    logger.info(
      { username: FIRST_ADMIN, password: options.adminPassword !== undefined ? 'LOADTEST_ADMIN_PASSWORD' : 'none' },
      'first start: admin user created',
    );
    if (!created) throw new Error('the first admin could not be created');
  }
  const admins = (await store.listUsers()).filter((u) => u.role === 'admin' && !u.disabled);
  const firstAdmin = admins[0];
  if (!firstAdmin) return { loginLinkSecret: null };
  if (options.adminToken !== undefined && (await store.tokenBySecret(options.adminToken)) === null) {
    const expiresAt = new Date(Date.now() + ENVIRONMENT_TOKEN_TTL_MS);
    await store.createToken(
      { userId: firstAdmin.id, name: ENVIRONMENT_TOKEN_NAME, expiresAt, secret: options.adminToken },
      { ...system, actor: 'master (environment)', action: 'token.created' },
    );
  }
  if (options.adminToken !== undefined || admins.some((a) => a.hasPassword)) return { loginLinkSecret: null };
  const link = await store.createLoginLink(firstAdmin.id, LOGIN_LINK_TTL_MS);
  return { loginLinkSecret: link.secret };
}
