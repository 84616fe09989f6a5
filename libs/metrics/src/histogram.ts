import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

export type { Histogram };

/**
 * The one histogram configuration used everywhere: microseconds, from 1 µs to
 * one hour, 3 significant digits. Histograms built alike add exactly.
 */
export const LATENCY_HISTOGRAM = {
  lowestDiscernibleValue: 1,
  highestTrackableValue: 3_600_000_000,
  numberOfSignificantValueDigits: 3,
} as const;

export function createLatencyHistogram(): Histogram {
  return build({
    ...LATENCY_HISTOGRAM,
    bitBucketSize: 64,
    autoResize: false,
    useWebAssembly: false,
  });
}

/** Records one latency, clamped into the configured range so that no sample is ever dropped. */
export function recordLatency(histogram: Histogram, micros: number): void {
  const value = Math.min(Math.max(Math.round(micros), LATENCY_HISTOGRAM.lowestDiscernibleValue), LATENCY_HISTOGRAM.highestTrackableValue);
  histogram.recordValue(value);
}

export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

/** Decodes a histogram and checks that it was recorded with {@link LATENCY_HISTOGRAM}. */
export function decodeHistogram(encoded: string): Histogram {
  let histogram: Histogram;
  try {
    histogram = decodeFromCompressedBase64(encoded, 64, false);
  } catch (error) {
    throw new Error(`cannot decode latency histogram: ${(error as Error).message}`, { cause: error });
  }
  if (histogram.numberOfSignificantValueDigits !== LATENCY_HISTOGRAM.numberOfSignificantValueDigits) {
    throw new Error(
      `latency histogram has ${histogram.numberOfSignificantValueDigits} significant digits, expected ${LATENCY_HISTOGRAM.numberOfSignificantValueDigits}`,
    );
  }
  return histogram;
}

/** The histogram's compressed HDR encoding as bytes (the base64 form, decoded). */
export function encodeHistogramBytes(histogram: Histogram): Uint8Array {
  return Buffer.from(encodeIntoCompressedBase64(histogram), 'base64');
}

export function decodeHistogramBytes(bytes: Uint8Array): Histogram {
  return decodeHistogram(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'));
}
