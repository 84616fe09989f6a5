import type { ErrorCounts, ErrorKind, StatusCounts, WindowData } from '@loadtest/protocol';
import { createLatencyHistogram, encodeHistogram, recordLatency, type Histogram } from './histogram.js';

export function emptyErrorCounts(): ErrorCounts {
  return { timeout: 0, refused: 0, reset: 0, other: 0 };
}

/**
 * Accumulates one worker's measurements for the current second; `take` hands
 * them over as a window and starts the next one empty.
 */
export class WindowRecorder {
  private histogram: Histogram = createLatencyHistogram();
  private requests = 0;
  private bytes = 0;
  private statusCodes: StatusCounts = {};
  private errors: ErrorCounts = emptyErrorCounts();

  recordResponse(statusCode: number, bytes: number, latencyMicros: number): void {
    this.requests += 1;
    this.bytes += bytes;
    const key = String(statusCode);
    this.statusCodes[key] = (this.statusCodes[key] ?? 0) + 1;
    recordLatency(this.histogram, latencyMicros);
  }

  recordError(kind: ErrorKind): void {
    this.errors[kind] += 1;
  }

  get pendingRequests(): number {
    return this.requests;
  }

  take(second: number, durationMs: number): WindowData {
    const window: WindowData = {
      second,
      durationMs,
      requests: this.requests,
      bytes: this.bytes,
      statusCodes: this.statusCodes,
      errors: this.errors,
      histogram: encodeHistogram(this.histogram),
    };
    this.histogram.reset();
    this.requests = 0;
    this.bytes = 0;
    this.statusCodes = {};
    this.errors = emptyErrorCounts();
    return window;
  }
}
