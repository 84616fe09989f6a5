import type { Plan, PlanResource } from '@loadtest/protocol';
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

function toResource(row: PlanRow): PlanResource {
  const definition = row.definition as PlanDefinition;
  return {
    id: row.id,
    name: row.name,
    baseUrl: definition.baseUrl,
    requests: definition.requests,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function planOf(resource: PlanResource): Plan {
  return { name: resource.name, baseUrl: resource.baseUrl, requests: resource.requests };
}

function definitionOf(plan: Plan): PlanDefinition {
  return { baseUrl: plan.baseUrl, requests: plan.requests };
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
