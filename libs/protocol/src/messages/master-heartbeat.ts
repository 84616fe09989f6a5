import { z } from 'zod';
import { envelope } from './envelope.js';

/**
 * Broadcast by the master to every worker (one message for all, through the
 * broadcast binding of each worker's queue): each second for the first ten
 * after its start, then every MASTER_HEARTBEAT_MS (5 s). A worker running a
 * share stops it when these stop coming for its grace period (the master is
 * gone: nothing it measures could be stored). `masterId` is new at each start
 * of a master: a worker that sees it change says hello again, so that a
 * restarted master learns its host and capacity.
 */
export const MasterHeartbeatSchema = z.object({
  ...envelope,
  type: z.literal('master.heartbeat'),
  masterId: z.string().uuid(),
});
export type MasterHeartbeat = z.infer<typeof MasterHeartbeatSchema>;
