/** Messages between the benchmark and its simulator processes (Node IPC). */

export interface SimulatorConfig {
  /** Position of this simulator process, from 0. */
  index: number;
  amqpUrl: string;
  namespace: string;
  workerIds: string[];
  /** Requests per second each simulated worker reports. */
  rps: number;
  poolSize: number;
  seed: number;
  logLevel: string;
}

/** Name of the environment variable that carries the JSON `SimulatorConfig`. */
export const SIMULATOR_CONFIG_ENV = 'BENCH_SIMULATOR_CONFIG';

export type ParentToSimulator = { type: 'stop' };

export interface SecondPublished {
  type: 'second';
  runId: string;
  second: number;
  /**
   * When this process had handed its last window of that second to the broker connection, epoch ms. A process
   * reports a second again if it publishes more of its windows later (a worker that started late catching up):
   * the second's windows are the sum of its reports, its last publish the latest.
   */
  publishedAt: number;
  /** When the windows were due: startAt + (second + 1) × 1000. */
  dueAt: number;
  windows: number;
  requests: number;
  encodedBytes: number;
  messageBytes: number;
}

export interface RunDone {
  type: 'run-done';
  /** The simulator process (its index); a later report of the same process replaces an earlier one. */
  process: number;
  runId: string;
  workers: number;
  windows: number;
  requests: number;
  /** Windows or states the broker refused (negative confirms). */
  nacks: number;
  /** Per second, from the last publish of that second to the broker's confirm of all of them, ms. */
  confirmLagMs: number[];
  /** How late the latest assignment arrived after the run's start instant, ms (≤ 0: before it). */
  latestAssignmentLagMs: number;
  /** When this process received its first and its last assignment of the run, epoch ms. */
  firstAssignmentAt: number;
  lastAssignmentAt: number;
  /** Worst lateness of publishing a second's windows after they were due, ms. */
  maxPublishLagMs: number;
}

/** A simulator process took its workers' entries of a run's assignment (run.assign-all). */
export interface Assigned {
  type: 'assigned';
  process: number;
  runId: string;
  /** Workers of this process assigned to the run so far. */
  workers: number;
  /** When the process received the first and the latest assignment message of the run, epoch ms. */
  firstAt: number;
  lastAt: number;
}

export type SimulatorToParent = { type: 'ready'; workers: number; setupMs: number } | Assigned | SecondPublished | RunDone | { type: 'fatal'; message: string };
