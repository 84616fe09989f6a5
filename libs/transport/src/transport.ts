import type { MasterHeartbeat, MasterToOneWorker, MasterToWorker, RunAssignAll, WorkerToMaster } from '@loadtest/protocol';

/**
 * Handles one received message. The message is acknowledged only after the
 * returned promise resolves; if it rejects, the message is delivered again.
 */
export type MessageHandler<T> = (message: T) => Promise<void>;

/** The master's side of a transport: receives from every worker, sends to one worker. */
export interface MasterTransport {
  listen(handler: MessageHandler<WorkerToMaster>): Promise<void>;
  /** Resolves when the transport has taken responsibility for the message (broker confirm). */
  sendToWorker(message: MasterToOneWorker): Promise<void>;
  /** Sends one message to every worker; resolves once sent (a heartbeat: no worker is waited for). */
  broadcast(message: MasterHeartbeat): Promise<void>;
  /**
   * A run's assignment to all its workers in one message (each takes its own entry). Resolves when the transport has
   * taken responsibility for it (broker confirm); rejects with UndeliveredAssignment naming the workers it could not reach.
   */
  assignAll(message: RunAssignAll): Promise<void>;
  close(): Promise<void>;
}

/** A worker's side of a transport: receives on its own queue, sends to the master. */
export interface WorkerTransport {
  listen(workerId: string, handler: MessageHandler<MasterToWorker>): Promise<void>;
  /** Resolves when the transport has taken responsibility for the message (broker confirm). */
  sendToMaster(message: WorkerToMaster): Promise<void>;
  close(): Promise<void>;
}

/** Read when each event happens, so a listener may be set after the transport is built. */
export interface TransportEvents {
  /** Called on every (re)connection, e.g. so that a worker can say hello again. */
  onConnected?: () => void;
  /** Called when the connection is lost (the transport reconnects by itself). */
  onDisconnected?: () => void;
}

/** A run's assignment did not reach some of its workers (or any: `workerIds` lists every one then). */
export class UndeliveredAssignment extends Error {
  constructor(
    readonly workerIds: readonly string[],
    reason: string,
  ) {
    super(`assignment not delivered to ${workerIds.join(', ')}: ${reason}`);
    this.name = 'UndeliveredAssignment';
  }
}
