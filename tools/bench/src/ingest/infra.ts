import { decodeWindow } from '@loadtest/metrics';
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

/** The window tables together: run_window_packs (how windows are stored) and run_windows (rows of runs stored before packs). */
export async function windowsTableSize(databaseUrl: string): Promise<TableSize> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ total: string; heap: string; indexes: string; toast: string }>(
      `SELECT sum(pg_total_relation_size(t)) AS total,
              sum(pg_relation_size(t)) AS heap,
              sum(pg_indexes_size(t)) AS indexes,
              sum(COALESCE((SELECT pg_total_relation_size(reltoastrelid) FROM pg_class WHERE oid = t AND reltoastrelid <> 0), 0)) AS toast
         FROM unnest(ARRAY['run_window_packs'::regclass, 'run_windows'::regclass]) AS t`,
    );
    const r = rows[0]!;
    return { total: Number(r.total), heap: Number(r.heap), indexes: Number(r.indexes), toast: Number(r.toast) };
  } finally {
    await client.end();
  }
}

export interface StoredWindowsStats {
  /** Windows stored, each (share, seq) once (a redelivered window may be stored twice). */
  rows: number;
  workers: number;
  /** Workers with exactly the expected number of windows. */
  workersComplete: number;
  requests: number;
  /** Mean size of an encoded window. */
  meanDataBytes: number | null;
  /** Mean size of a window as stored (its share of its pack's or row's tuple, without page, TOAST chunk and index overhead). */
  meanRowBytes: number | null;
}

/**
 * What the database holds for one run, read straight from the tables (not through the API): its packs (each
 * window cut out of its pack's bytes and decoded, to count its responses) and its rows of run_windows (runs
 * stored before packs). Each (share, seq) counts once; a copy is always stored under the same second, and packs
 * are read in second order, so only the current second's windows are remembered.
 */
export async function storedWindowsStats(databaseUrl: string, runId: string, windowsPerWorker: number): Promise<StoredWindowsStats> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const perShare = new Map<string, number>();
    let windows = 0;
    let requests = 0;
    let dataBytes = 0;
    const tuples = await client.query<{ bytes: string | null }>(
      `SELECT (SELECT COALESCE(sum(pg_column_size(p.*)), 0) FROM run_window_packs p WHERE run_id = $1)
            + (SELECT COALESCE(sum(pg_column_size(w.*)), 0) FROM run_windows w WHERE run_id = $1) AS bytes`,
      [runId],
    );
    let after = { second: -2147483648, id: '0' };
    let seen = { second: Number.NaN, keys: new Set<string>() };
    const pageSize = 64;
    // Each page moves the cursor past at least one pack, and the run has finitely many: the loop ends.
    for (;;) {
      const { rows: packs } = await client.query<{ second: number; pack_id: string; share_ids: string[]; seqs: number[]; sizes: number[]; data: Buffer }>(
        // The id as text (a bigint) under another name: as `id`, ORDER BY would take the text, not the number.
        `SELECT second, id::text AS pack_id, share_ids, seqs, sizes, data FROM run_window_packs
          WHERE run_id = $1 AND (second, id) > ($2, $3::bigint) ORDER BY second, id LIMIT $4`,
        [runId, after.second, after.id, pageSize],
      );
      for (const pack of packs) {
        if (pack.second !== seen.second) seen = { second: pack.second, keys: new Set() };
        let offset = 0;
        for (let i = 0; i < pack.sizes.length; i++) {
          const size = pack.sizes[i]!;
          const shareId = pack.share_ids[i]!;
          const key = `${shareId} ${pack.seqs[i]!}`;
          if (!seen.keys.has(key)) {
            seen.keys.add(key);
            windows += 1;
            dataBytes += size;
            perShare.set(shareId, (perShare.get(shareId) ?? 0) + 1);
            for (const step of decodeWindow(pack.data.subarray(offset, offset + size)).steps.values()) requests += step.requests;
          }
          offset += size;
        }
      }
      if (packs.length < pageSize) break;
      const last = packs[packs.length - 1]!;
      after = { second: last.second, id: last.pack_id };
    }
    // Rows of run_windows: a run has them only if it was stored before packs (a bench run never is).
    const legacy = await client.query<{ worker_id: string; windows: string; requests: string; data: string | null }>(
      `SELECT worker_id, count(*) AS windows, sum(requests) AS requests, sum(octet_length(data)) AS data FROM run_windows WHERE run_id = $1 GROUP BY worker_id`,
      [runId],
    );
    for (const row of legacy.rows) {
      windows += Number(row.windows);
      requests += Number(row.requests);
      dataBytes += Number(row.data ?? 0);
      perShare.set(row.worker_id, (perShare.get(row.worker_id) ?? 0) + Number(row.windows));
    }
    const bytes = tuples.rows[0]!.bytes;
    return {
      rows: windows,
      workers: perShare.size,
      workersComplete: [...perShare.values()].filter((n) => n === windowsPerWorker).length,
      requests,
      meanDataBytes: windows === 0 ? null : dataBytes / windows,
      meanRowBytes: windows === 0 || bytes === null ? null : Number(bytes) / windows,
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
