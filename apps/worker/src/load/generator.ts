import autocannon from 'autocannon';
import type { ErrorKind } from '@loadtest/protocol';
import { errorKind } from './error-kind.js';
import type { GeneratorRequest } from './plan-requests.js';

export interface GeneratorOptions {
  baseUrl: string;
  connections: number;
  requests: GeneratorRequest[];
  timeoutSeconds: number;
  /** `request` is the index, in `requests`, of the request that was answered. */
  onResponse(request: number, statusCode: number, bytesIn: number, bytesOut: number, latencyMicros: number): void;
  onError(request: number, kind: ErrorKind): void;
}

/** The part of an autocannon client this module relies on (autocannon ships no types for it). */
interface GeneratorClient {
  on(event: 'response', listener: (statusCode: number, bytes: number, durationMs: number) => void): void;
  on(event: 'connError', listener: (error: Error) => void): void;
  on(event: 'timeout', listener: () => void): void;
  requestIterator: { currentRequestIndex: number; currentRequest?: { requestBuffer?: Uint8Array } };
}

export interface RunningGenerator {
  /** Stops sending; resolves once every connection is closed. */
  stop(): Promise<void>;
  /** Resolves when the generator has ended, by `stop()` or by itself. */
  readonly done: Promise<void>;
}

/** Upper bound for autocannon's own timer; the worker ends the run itself at the planned instant. */
const SAFETY_DURATION_SECONDS = 7 * 24 * 3600;
/**
 * autocannon only acts on a stop at its next sampling tick. A short interval
 * makes a stop take effect within about 100 ms instead of up to a second.
 */
const SAMPLE_INTERVAL_MS = 100;

/**
 * Starts autocannon with the given connections. Each client is watched from
 * `setupClient`: with one request in flight per connection, the client's
 * current request is the one just answered (or failed), which names its step.
 * Latency comes from the client's `response` event (fractional milliseconds
 * from hrtime) and is handed on in microseconds; autocannon's own
 * whole-millisecond figures are not used.
 */
export function startGenerator(options: GeneratorOptions): RunningGenerator {
  let settle!: (error?: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  const instance = autocannon(
    {
      url: options.baseUrl,
      connections: options.connections,
      duration: SAFETY_DURATION_SECONDS,
      timeout: options.timeoutSeconds,
      requests: options.requests,
      sampleInt: SAMPLE_INTERVAL_MS,
      skipAggregateResult: true,
      setupClient: (raw: unknown) => watchClient(raw as GeneratorClient, options),
    },
    (error: Error | null) => settle(error ?? undefined),
  );
  return {
    done,
    stop: async () => {
      instance.stop();
      await done;
    },
  };
}

function watchClient(client: GeneratorClient, options: GeneratorOptions): void {
  const current = () => client.requestIterator.currentRequestIndex;
  client.on('response', (statusCode, bytes, durationMs) => {
    const sent = client.requestIterator.currentRequest?.requestBuffer?.length ?? 0;
    options.onResponse(current(), statusCode, bytes, sent, durationMs * 1000);
  });
  client.on('connError', (error) => options.onError(current(), errorKind(error)));
  client.on('timeout', () => options.onError(current(), 'timeout'));
}
