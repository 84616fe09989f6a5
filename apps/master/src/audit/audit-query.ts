import { AuditActionSchema, type AuditEvent, type AuditPage, type AuditQuery } from '@loadtest/protocol';
import type { PrismaClient } from '../persistence/prisma.js';

const VIA = new Set(['session', 'token', 'login-link', 'password']);

/** The audit log newest first, a page at a time (ids only grow, so the last id is the cursor). */
export async function auditPage(prisma: PrismaClient, query: AuditQuery): Promise<AuditPage> {
  const rows = await prisma.auditEvent.findMany({
    where: {
      ...(query.action ? { action: query.action } : {}),
      ...(query.actor ? { actor: query.actor } : {}),
      ...(query.subjectId ? { subjectId: query.subjectId } : {}),
      ...(query.since || query.until
        ? { at: { ...(query.since ? { gte: new Date(query.since) } : {}), ...(query.until ? { lt: new Date(query.until) } : {}) } }
        : {}),
      ...(query.cursor ? { id: { lt: BigInt(query.cursor) } } : {}),
    },
    orderBy: { id: 'desc' },
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const items: AuditEvent[] = page.map((row) => ({
    id: row.id.toString(),
    at: row.at.toISOString(),
    action: AuditActionSchema.parse(row.action),
    actor: row.actor,
    actorId: row.actorId,
    via: row.via !== null && VIA.has(row.via) ? (row.via as AuditEvent['via']) : null,
    ip: row.ip,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    details: (row.details ?? {}) as Record<string, unknown>,
  }));
  const last = page.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? last.id.toString() : null };
}
