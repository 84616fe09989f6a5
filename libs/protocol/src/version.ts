/**
 * Version of every broker message and socket event. A receiver rejects a
 * message whose version it does not speak instead of guessing at its shape.
 * 2: a window travels as one compact binary block with per-step sub-windows.
 * 3: an assignment carries the run's scenarios; windows count dropped iterations.
 * 4: the master heartbeats to its workers; a share can end `left` (its worker shut
 *    down) or `interrupted` (its worker heard nothing from the master for too long).
 * 5: a window stands for its worker's heartbeat: a worker publishing windows sends no heartbeat until
 *    HEARTBEAT_AFTER_WINDOW_MS after its last one, and the master counts each window as the worker heard from.
 */
export const PROTOCOL_VERSION = 5 as const;
