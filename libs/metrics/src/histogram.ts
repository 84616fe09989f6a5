import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, JsHistogram, type Histogram } from 'hdr-histogram-js';
import { inflateSync } from 'node:zlib';

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

/** Decodes HDR's compressed encoding given as bytes (windows stored before format 2 keep their histogram so). */
export function decodeHistogramBytes(bytes: Uint8Array): Histogram {
  return decodeHistogram(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'));
}

/*
 * Header-less counts: HDR's uncompressed V2 encoding is a 40-byte header (the
 * configuration, fixed here) followed by the counts as zig-zag LEB128 with
 * runs of zeros folded. Windows keep only the counts and compress the whole
 * window at once, which is markedly smaller than one compressed histogram per step.
 */
const V2_HEADER_BYTES = 40;
const V2_COMPRESSED_HEADER_BYTES = 8;

/** The histogram's counts, without HDR's header (see {@link histogramFromCounts}). */
export function histogramCounts(histogram: Histogram): Uint8Array {
  const compressed = Buffer.from(encodeIntoCompressedBase64(histogram), 'base64');
  const v2 = inflateSync(compressed.subarray(V2_COMPRESSED_HEADER_BYTES));
  return v2.subarray(V2_HEADER_BYTES);
}

let headerTemplate: Uint8Array | undefined;

/** HDR's V2 header for {@link LATENCY_HISTOGRAM}, taken once from an empty histogram's own encoding. */
function v2Header(): Uint8Array {
  if (!headerTemplate) {
    const compressed = Buffer.from(encodeIntoCompressedBase64(createLatencyHistogram()), 'base64');
    headerTemplate = Uint8Array.from(inflateSync(compressed.subarray(V2_COMPRESSED_HEADER_BYTES)).subarray(0, V2_HEADER_BYTES));
  }
  return headerTemplate;
}

/** hdr-histogram-js attaches `decode` (uncompressed V2) to JsHistogram at runtime but does not type it. */
const decodeV2 = (JsHistogram as unknown as { decode(data: Uint8Array, bitBucketSize: 64): Histogram }).decode;

/** Rebuilds a histogram of {@link LATENCY_HISTOGRAM} from {@link histogramCounts}. */
export function histogramFromCounts(counts: Uint8Array): Histogram {
  const v2 = new Uint8Array(V2_HEADER_BYTES + counts.length);
  v2.set(v2Header());
  new DataView(v2.buffer).setInt32(4, counts.length, false);
  v2.set(counts, V2_HEADER_BYTES);
  try {
    return decodeV2(v2, 64);
  } catch (error) {
    throw new Error(`cannot decode latency histogram counts: ${(error as Error).message}`, { cause: error });
  }
}
