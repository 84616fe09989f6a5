import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Logger } from 'pino';

/**
 * Where the committed migrations are: `prisma/migrations/<name>/migration.sql`
 * beside the sources, or beside the bundle in a built image.
 */
export function defaultMigrationsDir(): string {
  const candidates = [new URL('../../prisma/migrations/', import.meta.url), new URL('./prisma/migrations/', import.meta.url)].map((u) => fileURLToPath(u));
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new Error(`migrations folder not found; looked in ${candidates.join(', ')}`);
  return found;
}

/** Any process that migrates the same database takes this lock first, so concurrent starts apply each migration once. */
const MIGRATION_LOCK_KEY = '7401337001';

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export async function loadMigrations(dir: string): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const sql = await readFile(join(dir, name, 'migration.sql'), 'utf8').catch(() => null);
    if (sql !== null) migrations.push({ name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return migrations;
}

/**
 * Applies the migrations not yet applied, each in its own transaction with its
 * `_migrations` row. Refuses to go on if an applied migration was edited since.
 * Returns the names it applied.
 */
export async function migrate(connectionString: string, logger: Logger, dir = defaultMigrationsDir()): Promise<string[]> {
  const migrations = await loadMigrations(dir);
  const client = new pg.Client({ connectionString });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS _migrations (
        name text PRIMARY KEY,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM _migrations');
      const done = new Map(rows.map((r) => [r.name, r.checksum]));
      for (const migration of migrations) {
        const previous = done.get(migration.name);
        if (previous !== undefined) {
          if (previous !== migration.checksum) throw new Error(`migration ${migration.name} was edited after it was applied; add a new migration instead`);
          continue;
        }
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO _migrations (name, checksum) VALUES ($1, $2)', [migration.name, migration.checksum]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
        }
        applied.push(migration.name);
        logger.info({ migration: migration.name }, 'applied migration');
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
  return applied;
}
