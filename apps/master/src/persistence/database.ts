import { join } from 'node:path';
import type { Logger } from 'pino';
import { startEmbeddedPostgres, freePort } from './embedded-postgres.js';
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
  let url = config.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!url) {
    const port = config.embeddedPort || (await freePort());
    const embedded = await startEmbeddedPostgres(join(config.dataDir, 'postgres'), port, logger);
    url = embedded.url;
    stopEmbedded = embedded.stop;
  }
  try {
    await migrate(url, logger);
  } catch (error) {
    await stopEmbedded?.();
    throw error;
  }
  const prisma = createPrisma(url);
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
