import { join } from 'node:path';
import type { Logger } from 'pino';
import { freePort } from '@loadtest/process';
import { embeddedUrl, startEmbeddedPostgres } from './embedded-postgres.js';
import { migrate } from './migrate.js';
import { createPrisma, type PrismaClient } from './prisma.js';

export interface DatabaseConfig {
  /** A PostgreSQL URL; when absent, an embedded PostgreSQL is started under `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Port of the embedded PostgreSQL; 0 picks a free one. */
  embeddedPort: number;
}

export interface Database {
  prisma: PrismaClient;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

/** Connects to (or starts) PostgreSQL and brings its schema up to date before anything uses it. */
export async function openDatabase(config: DatabaseConfig, logger: Logger): Promise<Database> {
  const port = config.databaseUrl ? 0 : config.embeddedPort || (await freePort());
  const url = config.databaseUrl || embeddedUrl(port);
  const prisma = createPrisma(url);
  // Prisma's query compiler (WebAssembly) takes about a second of CPU to load, on the first query or $connect():
  // it loads while PostgreSQL starts and the migrations run. Connecting is not needed yet, and may fail meanwhile.
  const compilerLoaded = prisma.$connect().catch(() => undefined);
  let stopEmbedded: (() => Promise<void>) | undefined;
  try {
    if (!config.databaseUrl) stopEmbedded = (await startEmbeddedPostgres(join(config.dataDir, 'postgres'), port, logger)).stop;
    await migrate(url, logger);
    await compilerLoaded;
  } catch (error) {
    await compilerLoaded;
    await prisma.$disconnect().catch(() => undefined);
    await stopEmbedded?.();
    throw error;
  }
  return {
    prisma,
    url,
    embedded: stopEmbedded !== undefined,
    close: async () => {
      await prisma.$disconnect();
      await stopEmbedded?.();
    },
  };
}
