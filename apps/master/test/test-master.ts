import { PROTOCOL_VERSION } from '@loadtest/protocol';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildMaster, type Master, type MasterDeps } from '../src/app.js';

/** The admin API token every test master accepts (LOADTEST_ADMIN_TOKEN's way in). */
export const TEST_ADMIN_TOKEN = `lt_${randomBytes(32).toString('base64url')}`;
export const adminHeaders = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

const anonymous = new WeakMap<FastifyInstance, FastifyInstance['inject']>();

/**
 * A master whose `app.inject` calls carry the admin token unless they set an `authorization` header themselves, so
 * that tests about plans and runs read as before; tests about access use {@link injectAnonymously} or their own
 * header. The master itself is the real one, with authentication on.
 */
export async function buildTestMaster(deps: MasterDeps): Promise<Master> {
  const master = await buildMaster({ ...deps, bootstrap: { adminToken: TEST_ADMIN_TOKEN, ...deps.bootstrap } });
  const app = master.app;
  const inject = app.inject.bind(app) as (options: InjectOptions | string) => ReturnType<FastifyInstance['inject']>;
  anonymous.set(app, app.inject.bind(app));
  const withToken = (options: InjectOptions | string): InjectOptions => {
    const object: InjectOptions = typeof options === 'string' ? { url: options } : options;
    const headers = { ...(object.headers ?? {}) } as Record<string, unknown>;
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) headers.authorization = adminHeaders.authorization;
    return { ...object, headers: headers as InjectOptions['headers'] };
  };
  // Only the promise form (every test uses it); the callback and chain forms are left as they were.
  (app as { inject: unknown }).inject = (options?: InjectOptions | string) => (options === undefined ? inject('') : inject(withToken(options)));
  return master;
}

/** `app.inject` with no credentials at all. */
export function injectAnonymously(app: FastifyInstance, options: InjectOptions) {
  const inject = anonymous.get(app);
  if (!inject) throw new Error('not a test master (buildTestMaster)');
  return inject(options);
}

/** For workers the test plays (it sends their heartbeats; they never answer): they stay online, and runs on them stay pending. */
export const PLAYED_WORKER_TIMINGS = { workerMissingAfterMs: 600_000, workerLostAfterMs: 1_200_000, runStartLeadMs: 50, overdueMs: 600_000 };

/** A worker the test plays says it is idle: admission may give it a run. */
export async function playIdleWorker(master: Master, workerId: string): Promise<void> {
  await master.orchestrator.handle({ v: PROTOCOL_VERSION, type: 'worker.heartbeat', sentAt: Date.now(), workerId, activity: 'idle', runId: null });
}
