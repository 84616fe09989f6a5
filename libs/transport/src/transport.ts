import type { MasterHeartbeat, MasterToOneWorker, MasterToWorker, WorkerToMaster } from '@loadtest/protocol';

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
