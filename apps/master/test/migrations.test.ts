import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { defaultMigrationsDir, loadMigrations, migrate } from '../src/persistence/migrate.js';
import { createPrisma } from '../src/persistence/prisma.js';
import { createEmptyDatabase, silent } from './support.js';

describe('migrations (real PostgreSQL)', () => {
  let db: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    db = await createEmptyDatabase();
  }, 60_000);
  afterAll(() => db.drop(), 60_000);

  it('bring a fresh database to the current schema, once', async () => {
    const all = (await loadMigrations(defaultMigrationsDir())).map((m) => m.name);
    expect(all.slice(0, 6)).toEqual(['0001_init', '0002_window_encoding', '0003_thresholds', '0004_segments', '0005_plans_as_written', '0006_run_list_index']);
    expect(await migrate(db.url, silent)).toEqual(all);
    expect(await migrate(db.url, silent)).toEqual([]);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    );
    await client.end();
    const columns = (table: string) => rows.filter((r) => r.table_name === table).map((r) => r.column_name);
    expect(columns('plans')).toEqual(['id', 'name', 'definition', 'created_at', 'updated_at']);
    expect(columns('runs')).toEqual(expect.arrayContaining(['id', 'plan_id', 'state', 'load', 'plan_snapshot', 'summary', 'start_at', 'ended_at']));
    expect(columns('run_workers')).toEqual(expect.arrayContaining(['run_id', 'worker_id', 'share_index', 'connections', 'state', 'windows_reported']));
    expect(columns('run_windows')).toEqual(expect.arrayContaining(['run_id', 'worker_id', 'seq', 'second', 'requests', 'data']));
    expect(all).toContain('0008_window_packs');
    expect(columns('run_window_packs')).toEqual(['run_id', 'second', 'id', 'windows', 'share_ids', 'seqs', 'sizes', 'data']);
  });

  it('match what the Prisma client expects: every model can be written and read', async () => {
    const prisma = createPrisma(db.url);
    try {
      const plan = await prisma.plan.create({ data: { name: 'p', definition: { baseUrl: 'http://x', requests: [] } } });
      const run = await prisma.run.create({
        data: {
          planId: plan.id,
          state: 'pending',
          load: {},
          planSnapshot: {},
          workers: { create: [{ workerId: 'w', shareIndex: 0, connections: 1, state: 'assigned' }] },
        },
      });
      await prisma.runWindow.create({
        data: {
          runId: run.id,
          workerId: 'w',
          seq: 0,
          second: 0,
          durationMs: 1000,
          requests: 5,
          bytes: 2n ** 40n,
          statusCodes: { '200': 5 },
          errors: {},
          histogram: Buffer.from([1, 2, 3]),
        },
      });
      await prisma.runWindowPack.create({
        data: { runId: run.id, second: 1, windows: 2, shareIds: ['w', 'w~1'], seqs: [1, 0], sizes: [2, 1], data: Buffer.from([7, 8, 9]) },
      });
      const back = await prisma.run.findUniqueOrThrow({ where: { id: run.id }, include: { workers: true, windows: true, windowPacks: true } });
      expect(back.workers).toHaveLength(1);
      expect(back.windowPacks).toEqual([
        expect.objectContaining({ second: 1, windows: 2, shareIds: ['w', 'w~1'], seqs: [1, 0], sizes: [2, 1], data: new Uint8Array([7, 8, 9]) }),
      ]);
      expect(back.windows[0]!.bytes).toBe(2n ** 40n);
      expect(Buffer.from(back.windows[0]!.histogram!)).toEqual(Buffer.from([1, 2, 3]));
      // Deleting a plan keeps its runs and their measurements.
      await prisma.plan.delete({ where: { id: plan.id } });
      expect((await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).planId).toBeNull();
    } finally {
      await prisma.$disconnect();
    }
  });

  it('keep the plans stored before plans were kept as written (0005: jsonb to json)', async () => {
    const before = await createEmptyDatabase();
    const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
    const client = new pg.Client({ connectionString: before.url });
    try {
      await cp(defaultMigrationsDir(), dir, { recursive: true });
      for (const later of ['0005_plans_as_written', '0006_run_list_index']) await rm(join(dir, later), { recursive: true });
      await migrate(before.url, silent, dir);
      await client.connect();
      const definition = '{"baseUrl": "http://x", "requests": [{"name": "r", "body": {"user": "u", "pass": "p"}}]}';
      await client.query(`INSERT INTO plans (id, name, definition, updated_at) VALUES (gen_random_uuid(), 'old', $1::jsonb, now())`, [definition]);
      const { rows: old } = await client.query<{ definition: string }>(`SELECT definition::text AS definition FROM plans`);
      expect(await migrate(before.url, silent)).toEqual(['0005_plans_as_written', '0006_run_list_index']);
      const { rows } = await client.query<{ definition: string; type: string }>(
        `SELECT definition::text AS definition, pg_typeof(definition)::text AS type FROM plans`,
      );
      // Same content (jsonb had already sorted its keys); the column now keeps text as written.
      expect(rows).toEqual([{ definition: old[0]!.definition, type: 'json' }]);
    } finally {
      await client.end();
      await rm(dir, { recursive: true, force: true });
      await before.drop();
    }
  }, 60_000);

  it('refuse to continue when an applied migration was edited', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
    try {
      await cp(defaultMigrationsDir(), dir, { recursive: true });
      const file = join(dir, '0001_init', 'migration.sql');
      await writeFile(file, `${await readFile(file, 'utf8')}\n-- edited\n`);
      await expect(migrate(db.url, silent, dir)).rejects.toThrow(/0001_init was edited after it was applied/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
