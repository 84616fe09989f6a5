import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { registerSqlPool } from './sql-pool.js';

export { PrismaClient };
export type { Prisma } from '../generated/prisma/client.js';

/** A Prisma client on its own pg pool, which `$disconnect()` ends; the pool is also there for plain SQL (sqlPoolOf). */
export function createPrisma(connectionString: string): PrismaClient {
  const pool = new pg.Pool({ connectionString });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  registerSqlPool(prisma, pool);
  return prisma;
}
