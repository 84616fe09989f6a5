import { brokerNames } from '@loadtest/transport';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';

/** The services the benchmark uses: a database of its own, broker objects of its own, free ports, the master's REST API. */

export function randomSuffix(bytes = 6): string {
  return randomBytes(bytes).toString('hex');
}

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates `lt_bench_<random>` on the PostgreSQL that `adminUrl` reaches. */
export async function createDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `lt_bench_${randomSuffix()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface TableSize {
  /** pg_total_relation_size: heap, indexes, TOAST, free-space and visibility maps. */
  total: number;
  heap: number;
  indexes: number;
  toast: number;
}

export async function windowsTableSize(databaseUrl: string): Promise<TableSize> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ total: string; heap: string; indexes: string; toast: string }>(
      `SELECT pg_total_relation_size('run_windows') AS total,
              pg_relation_size('run_windows') AS heap,
              pg_indexes_size('run_windows') AS indexes,
              COALESCE((SELECT pg_total_relation_size(reltoastrelid) FROM pg_class WHERE oid = 'run_windows'::regclass AND reltoastrelid <> 0), 0) AS toast`,
    );
    const r = rows[0]!;
    return { total: Number(r.total), heap: Number(r.heap), indexes: Number(r.indexes), toast: Number(r.toast) };
  } finally {
    await client.end();
  }
}

export interface StoredWindowsStats {
  rows: number;
  workers: number;
  /** Workers with exactly the expected number of windows. */
  workersComplete: number;
  requests: number;
  /** Mean size of the encoded window column. */
  meanDataBytes: number | null;
  /** Mean size of a whole row as stored (tuple, without page and index overhead). */
  meanRowBytes: number | null;
}

/** What the database holds for one run, read straight from the table (not through the API). */
export async function storedWindowsStats(databaseUrl: string, runId: string, windowsPerWorker: number): Promise<StoredWindowsStats> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ rows: string; workers: string; requests: string | null; data: string | null; row: string | null }>(
      `SELECT count(*) AS rows, count(DISTINCT worker_id) AS workers, sum(requests) AS requests,
              avg(octet_length(data)) AS data, avg(pg_column_size(w.*)) AS row
         FROM run_windows w WHERE run_id = $1`,
      [runId],
    );
    const r = rows[0]!;
    const complete = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM (SELECT worker_id FROM run_windows WHERE run_id = $1 GROUP BY worker_id HAVING count(*) = $2) t',
      [runId, windowsPerWorker],
    );
    return {
      rows: Number(r.rows),
      workers: Number(r.workers),
      workersComplete: Number(complete.rows[0]!.n),
      requests: Number(r.requests ?? 0),
      meanDataBytes: r.data === null ? null : Number(r.data),
      meanRowBytes: r.row === null ? null : Number(r.row),
    };
  } finally {
    await client.end();
  }
}

/** Deletes the namespace's exchange, the master's queue and the given workers' queues. Missing ones are fine. */
export async function deleteBrokerObjects(
  amqpUrl: string,
  namespace: string,
  workerIds: readonly string[],
): Promise<{ deletedQueues: number; errors: string[] }> {
  const names = brokerNames(namespace);
  const errors: string[] = [];
  let deletedQueues = 0;
  let connection: ChannelModel | undefined;
  try {
    connection = await connect(amqpUrl, { clientProperties: { connection_name: 'bench-cleanup' } });
    connection.on('error', () => undefined);
    let channel: Channel = await connection.createChannel();
    channel.on('error', () => undefined);
    for (const queue of [names.masterQueue, ...workerIds.map((id) => names.workerQueue(id))]) {
      try {
        await channel.deleteQueue(queue);
        deletedQueues += 1;
      } catch (error) {
        errors.push(`${queue}: ${(error as Error).message}`);
        channel = await connection.createChannel();
        channel.on('error', () => undefined);
      }
    }
    try {
      await channel.deleteExchange(names.exchange);
    } catch (error) {
      errors.push(`exchange ${names.exchange}: ${(error as Error).message}`);
    }
  } catch (error) {
    errors.push((error as Error).message);
  } finally {
    await connection?.close().catch(() => undefined);
  }
  return { deletedQueues, errors };
}

/** The admin API token the benchmarks' masters are started with (LOADTEST_ADMIN_TOKEN), sent with every call. */
export const BENCH_ADMIN_TOKEN = `lt_${randomBytes(32).toString('base64url')}`;
export const BENCH_AUTH_HEADERS = { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` };

/** A JSON call to the master's REST API as the admin, bounded in time. */
export async function api<T>(base: string, method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}${path}`, {
    method,
    signal: AbortSignal.timeout(timeoutMs),
    headers: { ...BENCH_AUTH_HEADERS, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export interface CodeState {
  commit: string | null;
  /** Files under apps/ and libs/ that differ from the commit (the master runs from the working tree). */
  uncommitted: string[];
  /** Hash of those differences, to tell whether the code changed between two steps. */
  diffHash: string | null;
}

/** The code the master and the simulators are about to load (read-only git calls). */
export function codeState(repoRoot: string): CodeState {
  const git = (args: string[]): string | null => {
    try {
      return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
    } catch {
      return null;
    }
  };
  const status = git(['status', '--porcelain', '--', 'apps', 'libs']);
  const diff = git(['diff', 'HEAD', '--', 'apps', 'libs']);
  return {
    commit: git(['rev-parse', 'HEAD'])?.trim() ?? null,
    uncommitted: (status ?? '').split('\n').filter((l) => l.trim() !== ''),
    diffHash: diff === null ? null : createHash('sha1').update(diff).digest('hex').slice(0, 12),
  };
}
