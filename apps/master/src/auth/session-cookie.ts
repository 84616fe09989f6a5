import type { FastifyReply } from 'fastify';
import { SESSION_COOKIE } from './authentication.js';

/** httpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Secure over HTTPS. */
export function setSessionCookie(reply: FastifyReply, secret: string, expiresAt: Date): void {
  reply.setCookie(SESSION_COOKIE, secret, { path: '/', httpOnly: true, sameSite: 'strict', secure: 'auto', expires: expiresAt });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: 'auto' });
}
