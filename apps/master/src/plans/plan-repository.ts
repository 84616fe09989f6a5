import { type Plan, type PlanResource } from '@loadtest/protocol';
import { PlanSchema } from '@loadtest/plan';
import { asJson } from '../persistence/json.js';
import type { PrismaClient } from '../persistence/prisma.js';

interface PlanRow {
  id: string;
  name: string;
  definition: unknown;
  createdAt: Date;
  updatedAt: Date;
}

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

  async create(plan: Plan): Promise<PlanResource> {
    const row = await this.prisma.plan.create({ data: { name: plan.name, definition: asJson(definitionOf(plan)) } });
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

  async update(id: string, plan: Plan): Promise<PlanResource | null> {
    const { count } = await this.prisma.plan.updateMany({ where: { id }, data: { name: plan.name, definition: asJson(definitionOf(plan)) } });
    return count === 0 ? null : this.get(id);
  }

  async delete(id: string): Promise<boolean> {
    const { count } = await this.prisma.plan.deleteMany({ where: { id } });
    return count > 0;
  }
}
