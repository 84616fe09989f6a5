import type { AuditAction } from '@loadtest/protocol';
import type { FastifyRequest } from 'fastify';
import { asJson } from '../persistence/json.js';
import type { PrismaClient } from '../persistence/prisma.js';

/** Who acted, and from where. */
export interface AuditActor {
  actorId: string | null;
  actor: string | null;
  via: 'session' | 'token' | 'login-link' | 'password' | null;
  ip: string | null;
}

/** One line of the audit log. `details` never holds a secret: callers pass names, hosts and figures only. */
export interface AuditRecord extends AuditActor {
  action: AuditAction;
  subjectType?: string;
  subjectId?: string;
  details?: Record<string, unknown>;
}

/** The authenticated caller of a request as the audit log names it. */
export function actorOf(request: FastifyRequest): AuditActor {
  const principal = request.principal;
  return {
    actorId: principal?.userId ?? null,
    actor: principal?.username ?? null,
    via: principal?.via ?? null,
    ip: request.ip,
  };
}

/**
 * The insert of one audit line, not yet sent: pass it to `prisma.$transaction([...])` beside the action's own
 * statements, so that the action and its record commit together or not at all.
 */
export function auditInsert(prisma: Pick<PrismaClient, 'auditEvent'>, record: AuditRecord) {
  return prisma.auditEvent.create({
    data: {
      action: record.action,
      actorId: record.actorId,
      actor: record.actor,
      via: record.via,
      ip: record.ip,
      subjectType: record.subjectType ?? null,
      subjectId: record.subjectId ?? null,
      details: asJson(record.details ?? {}),
    },
    select: { id: true },
  });
}

/** For an action that is not itself a database write (a run's stop is a message to its workers): its line alone. */
export class AuditLog {
  constructor(private readonly prisma: PrismaClient) {}

  async record(record: AuditRecord): Promise<void> {
    await auditInsert(this.prisma, record);
  }
}
