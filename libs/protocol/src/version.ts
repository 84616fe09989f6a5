/**
 * Version of every broker message and socket event. A receiver rejects a
 * message whose version it does not speak instead of guessing at its shape.
 */
export const PROTOCOL_VERSION = 1 as const;
