import { z } from 'zod';
import { MasterHeartbeatSchema } from './master-heartbeat.js';
import { RunAssignSchema } from './run-assign.js';
import { RunAssignAllSchema } from './run-assign-all.js';
import { RunStateSchema } from './run-state.js';
import { RunStopSchema } from './run-stop.js';
import { RunWindowSchema } from './run-window.js';
import { TrialAssignSchema } from './trial-assign.js';
import { TrialResultSchema } from './trial-result.js';
import { WorkerHeartbeatSchema } from './worker-heartbeat.js';
import { WorkerHelloSchema } from './worker-hello.js';

export * from './envelope.js';
export * from './master-heartbeat.js';
export * from './run-assign.js';
export * from './run-assign-all.js';
export * from './run-state.js';
export * from './run-stop.js';
export * from './run-window.js';
export * from './share-part.js';
export * from './trial-assign.js';
export * from './trial-result.js';
export * from './worker-heartbeat.js';
export * from './worker-hello.js';

/** Everything a worker sends to the master. */
export const WorkerToMasterSchema = z.discriminatedUnion('type', [
  WorkerHelloSchema,
  WorkerHeartbeatSchema,
  RunWindowSchema,
  RunStateSchema,
  TrialResultSchema,
]);
export type WorkerToMaster = z.infer<typeof WorkerToMasterSchema>;

/** Everything the master sends to one worker. */
export const MasterToWorkerSchema = z.discriminatedUnion('type', [
  RunAssignSchema,
  RunAssignAllSchema,
  RunStopSchema,
  TrialAssignSchema,
  MasterHeartbeatSchema,
]);
export type MasterToWorker = z.infer<typeof MasterToWorkerSchema>;
/** What the master sends to one worker, on that worker's routing key (the heartbeat and a run's assignment go to all at once). */
export type MasterToOneWorker = Exclude<MasterToWorker, { type: 'master.heartbeat' | 'run.assign-all' }>;

export const WORKER_TO_MASTER_TYPES = ['worker.hello', 'worker.heartbeat', 'run.window', 'run.state', 'trial.result'] as const;
