import type { z } from 'zod';
import { describeIssues } from './issues.js';
import { MasterToWorkerSchema, WorkerToMasterSchema, type MasterToWorker, type WorkerToMaster } from './messages/index.js';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

function parseWith<S extends z.ZodType>(schema: S, raw: unknown): ParseResult<z.infer<S>> {
  const result = schema.safeParse(raw);
  return result.success ? { ok: true, value: result.data } : { ok: false, reason: describeIssues(result.error) };
}

/** Parses bytes or an object received from the broker; never throws. */
function decode(raw: unknown): ParseResult<unknown> {
  if (typeof raw === 'string' || raw instanceof Uint8Array) {
    // A view, not Buffer.from(raw), which would copy every message the broker hands over.
    const text = typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (error) {
      return { ok: false, reason: `not JSON: ${(error as Error).message}` };
    }
  }
  return { ok: true, value: raw };
}

export function parseWorkerToMaster(raw: unknown): ParseResult<WorkerToMaster> {
  const decoded = decode(raw);
  return decoded.ok ? parseWith(WorkerToMasterSchema, decoded.value) : decoded;
}

export function parseMasterToWorker(raw: unknown): ParseResult<MasterToWorker> {
  const decoded = decode(raw);
  return decoded.ok ? parseWith(MasterToWorkerSchema, decoded.value) : decoded;
}
