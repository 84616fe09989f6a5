/**
 * Version of every broker message and socket event. A receiver rejects a
 * message whose version it does not speak instead of guessing at its shape.
 * 2: a window travels as one compact binary block with per-step sub-windows.
 */
export const PROTOCOL_VERSION = 2 as const;
