import pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client.js';

/**
 * The pg pool under each Prisma client made by createPrisma: the few hot statements (storing windows) go through it
 * directly, past Prisma's query layer, on the same connections and the same URL as everything else.
 */
const POOLS = new WeakMap<PrismaClient, pg.Pool>();

export function registerSqlPool(prisma: PrismaClient, pool: pg.Pool): void {
  POOLS.set(prisma, pool);
}

/** The pool under `prisma`; fails for a client that createPrisma did not make. */
export function sqlPoolOf(prisma: PrismaClient): pg.Pool {
  const pool = POOLS.get(prisma);
  if (!pool) throw new Error('this Prisma client has no SQL pool: make it with createPrisma (apps/master/src/persistence/prisma.ts)');
  return pool;
}
