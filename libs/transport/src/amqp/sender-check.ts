import type { WorkerToMaster } from '@loadtest/protocol';
import { GUEST_USER, workerIdOfUser, workerUser } from './broker-permissions.js';

/**
 * Why the master must drop a worker's message, or null to accept it. RabbitMQ checks a message's user_id against
 * the connection's user, so user_id names the sender; the body's workerId is only the sender's claim. When the
 * master itself connects as guest (development), nobody has credentials and nothing is checked. Otherwise a
 * message must carry user_id `worker-<its workerId>`: without user_id a worker could claim any id.
 */
export function senderMismatch(masterUser: string, userId: string | undefined, message: WorkerToMaster): string | null {
  if (masterUser === GUEST_USER) return null;
  if (!userId) return 'message has no user_id';
  if (workerIdOfUser(userId) !== message.workerId) return `user_id ${userId} is not ${workerUser(message.workerId)}`;
  return null;
}
