import { PROTOCOL_VERSION, type RunAssign, type RunWindow } from '@loadtest/protocol';
import { PlanSchema } from '@loadtest/plan';
import pino, { type Logger } from 'pino';
import { Writable } from 'node:stream';

export const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const RUN_ID = '7d3f1a52-0c1e-4a8e-9a55-2b7f4c1d9e01';

/** A pino logger whose records a test can read. */
export function memoryLogger(): { logger: Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) records.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), records };
}

export function windowMessage(workerId: string, seq: number): RunWindow {
  return {
    v: PROTOCOL_VERSION,
    type: 'run.window',
    sentAt: Date.now(),
    runId: RUN_ID,
    workerId,
    seq,
    second: seq,
    // The transport does not look inside the window; any base64 will do.
    data: 'VwIAAA==',
  };
}

export function assignMessage(workerId: string): RunAssign {
  return {
    v: PROTOCOL_VERSION,
    type: 'run.assign',
    sentAt: Date.now(),
    runId: RUN_ID,
    workerId,
    plan: PlanSchema.parse({ name: 'p', baseUrl: 'http://127.0.0.1:1', steps: [{ name: 'r', method: 'GET', url: '/' }] }),
    scenarios: [{ name: 'default', executor: 'constant-vus', vus: 1, duration: 1, startTime: 0 }],
    durationSeconds: 1,
    timeoutSeconds: 1,
    share: { index: 0, count: 1, connections: 1 },
    segment: { from: { num: 0, den: 1 }, to: { num: 1, den: 1 } },
    startAt: Date.now(),
  };
}

export async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
