/** Frames exchanged over a MessagePort between the in-process hub and a worker. */
export type PortFrame = { kind: 'listen'; id: number; workerId: string } | { kind: 'message'; id: number; payload: unknown } | { kind: 'ack'; id: number };

export function isPortFrame(value: unknown): value is PortFrame {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'listen' || kind === 'message' || kind === 'ack';
}
