import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { assignmentOf, type MasterToOneWorker, type RunAssignAll } from '@loadtest/protocol';
import type { MasterTransport } from '@loadtest/transport';
import pino from 'pino';
import { migrate } from '../src/persistence/migrate.js';
import { createPrisma, type PrismaClient } from '../src/persistence/prisma.js';

/** The machine's real PostgreSQL (trust auth); override with TEST_PG_URL. */
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export const silent = pino({ level: 'silent' });

export interface TestDatabase {
  url: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

function urlFor(database: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh, empty database on the real PostgreSQL, dropped afterwards. */
export async function createEmptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `lt_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: urlFor(name),
    drop: async () => {
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** A fresh database with the current schema and a Prisma client on it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const empty = await createEmptyDatabase();
  await migrate(empty.url, silent);
  const prisma = createPrisma(empty.url);
  return {
    url: empty.url,
    prisma,
    drop: async () => {
      await prisma.$disconnect();
      await empty.drop();
    },
  };
}

export async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Records what the master sends instead of delivering it; the test plays the workers. */
export class RecordingTransport implements MasterTransport {
  readonly sent: MasterToOneWorker[] = [];
  async listen(): Promise<void> {
    // The test delivers messages by calling orchestrator.handle itself.
  }
  async sendToWorker(message: MasterToOneWorker): Promise<void> {
    this.sent.push(message);
  }
  /** Each run's one broadcast assignment, as sent. */
  readonly assignedAll: RunAssignAll[] = [];
  async broadcast(): Promise<void> {
    // The master's heartbeat: no test here follows it.
  }
  /** Recorded as sent, and in `sent` as what each of its workers takes from it (its run.assign). */
  async assignAll(message: RunAssignAll): Promise<void> {
    this.assignedAll.push(message);
    for (const { workerId } of message.shares) this.sent.push(assignmentOf(message, workerId)!);
  }
  async close(): Promise<void> {
    // Nothing to release.
  }
}
