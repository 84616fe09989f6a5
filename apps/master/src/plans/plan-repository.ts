import { type Plan, type PlanResource } from '@loadtest/protocol';
import { PlanSchema } from '@loadtest/plan';
import { randomUUID } from 'node:crypto';
import { auditInsert, type AuditRecord } from '../audit/audit-record.js';
import { asJson } from '../persistence/json.js';
import type { PrismaClient } from '../persistence/prisma.js';

interface PlanRow {
  id: string;
  name: string;
  definition: unknown;
  createdAt: Date;
  updatedAt: Date;
}

/** What the audit log says of a plan, whoever changed it: its name and where it sends load (never a variable's value). */
function auditDetails(plan: Plan): Record<string, unknown> {
  return { name: plan.name, baseUrl: plan.baseUrl, steps: plan.steps.length };
}

/** An audit line about the plan `id`, sent in the change's transaction; none when no caller is named (tests, tools). */
const auditOf = (prisma: PrismaClient, id: string, audit: AuditRecord | undefined, plan?: Plan) =>
  audit ? [auditInsert(prisma, { ...audit, subjectType: 'plan', subjectId: id, details: { ...(plan ? auditDetails(plan) : {}), ...audit.details } })] : [];

/** What is kept of a plan besides its name. */
type PlanDefinition = Omit<Plan, 'name'>;

/** Reads a stored plan; plans stored before format v1 (`requests`) are read as v1. */
function toResource(row: PlanRow): PlanResource {
  const plan = PlanSchema.parse({ ...(row.definition as object), name: row.name });
  return { ...plan, id: row.id, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

export function planOf(resource: PlanResource): Plan {
  const { id: _id, createdAt: _created, updatedAt: _updated, ...plan } = resource;
  return plan;
}

function definitionOf(plan: Plan): PlanDefinition {
  const { name: _name, ...definition } = plan;
  return definition;
}

export class PlanRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(plan: Plan, audit?: AuditRecord): Promise<PlanResource> {
    const id = randomUUID();
    const [row] = await this.prisma.$transaction([
      this.prisma.plan.create({ data: { id, name: plan.name, definition: asJson(definitionOf(plan)) } }),
      ...auditOf(this.prisma, id, audit, plan),
    ]);
    return toResource(row);
  }

  async list(): Promise<PlanResource[]> {
    const rows = await this.prisma.plan.findMany({ orderBy: { createdAt: 'desc' } });
    return rows.map(toResource);
  }

  async get(id: string): Promise<PlanResource | null> {
    const row = await this.prisma.plan.findUnique({ where: { id } });
    return row ? toResource(row) : null;
  }

  async update(id: string, plan: Plan, audit?: AuditRecord): Promise<PlanResource | null> {
    const count = await this.prisma.$transaction(async (tx) => {
      const updated = await tx.plan.updateMany({ where: { id }, data: { name: plan.name, definition: asJson(definitionOf(plan)) } });
      if (updated.count > 0 && audit) await auditInsert(tx, { ...audit, subjectType: 'plan', subjectId: id, details: auditDetails(plan) });
      return updated.count;
    });
    return count === 0 ? null : this.get(id);
  }

  async delete(id: string, audit?: AuditRecord): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.plan.findUnique({ where: { id }, select: { name: true } });
      const { count } = await tx.plan.deleteMany({ where: { id } });
      if (count > 0 && audit) await auditInsert(tx, { ...audit, subjectType: 'plan', subjectId: id, details: { name: row?.name ?? null } });
      return count > 0;
    });
  }
}
