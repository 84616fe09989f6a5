import autocannon from 'autocannon';
import type { ErrorKind } from '@loadtest/protocol';
import { errorKind } from './error-kind.js';
import type { GeneratorRequest } from './plan-requests.js';

export interface GeneratorOptions {
  baseUrl: string;
  connections: number;
  requests: GeneratorRequest[];
  timeoutSeconds: number;
  onResponse(statusCode: number, bytes: number, latencyMicros: number): void;
  onError(kind: ErrorKind): void;
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
 * Starts autocannon with the given connections. Every response's latency is
 * taken from its `response` event (fractional milliseconds from hrtime) and
 * handed on in microseconds; autocannon's own whole-millisecond figures are not used.
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
    },
    (error: Error | null) => settle(error ?? undefined),
  );
  instance.on('response', (_client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => {
    options.onResponse(statusCode, bytes, responseTimeMs * 1000);
  });
  instance.on('reqError', (error: unknown) => options.onError(errorKind(error)));
  return {
    done,
    stop: async () => {
      instance.stop();
      await done;
    },
  };
}
