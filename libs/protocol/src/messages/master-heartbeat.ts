import { z } from 'zod';
import { envelope } from './envelope.js';

/**
 * Broadcast by the master every second to every worker (one message for all,
 * through the broadcast binding of each worker's queue). A worker running a
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
