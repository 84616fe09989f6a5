import { ERROR_KINDS, type ErrorKind } from '@loadtest/protocol';
import { ByteReader, ByteWriter } from './bytes.js';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { countsTotal } from './counts.js';
import { histogramFromCounts, histogramCounts, type Histogram } from './histogram.js';
import { emptyErrorCounts, type StepMetrics, type Window } from './window.js';

const MAGIC = 0x57; // 'W'
/** The format written. */
const FORMAT = 6;
/** Format 5, as written before the `blocked` error kind: still read (with none blocked), as windows stored in PostgreSQL use it. */
const FORMAT_WITHOUT_BLOCKED = 5;
/** Format 4, as written before `vus`: still read (with `vus` undefined), as windows stored in PostgreSQL use it. */
const FORMAT_WITHOUT_VUS = 4;
/** Format 3, as written before the `interrupted` error kind: still read (with none interrupted), as windows stored in PostgreSQL use it. */
const FORMAT_WITHOUT_INTERRUPTED = 3;
/** Format 2, as written before `dropped`: still read, as windows stored in PostgreSQL use it. */
const FORMAT_WITHOUT_DROPPED = 2;
/** The error kinds a format holds, in order. */
const kindsOf = (format: number): readonly ErrorKind[] =>
  ERROR_KINDS.filter((kind) => (kind !== 'blocked' || format > FORMAT_WITHOUT_BLOCKED) && (kind !== 'interrupted' || format >= FORMAT_WITHOUT_VUS));

/**
 * Compact binary form of a window, for the broker and for storage:
 *
 *   'W' format length deflate-raw(body)
 *   body: second durationMs dropped vus stepCount
 *         per step: name requests bytesIn bytesOut checksPassed checksFailed
 *                   errors(timeout refused reset other interrupted blocked) statusCount (code count)* latencyCounts
 *
 * Numbers are unsigned LEB128 varints; strings and the latency counts (HDR's
 * V2 counts without its fixed header) are length-prefixed. The body is
 * compressed once, as a whole.
 *
 * Format 6 is written. Format 5 is the same without the `blocked` error count, format 4 also without `vus`
 * (decoded as undefined), format 3 also without the
 * `interrupted` error count, format 2 also without `dropped`; all are still decoded (with 0 for the counts they
 * lack). A window without `vus` is written with 0.
 */
export function encodeWindow(window: Window): Uint8Array {
  const out = new ByteWriter();
  out.varint(window.second);
  out.varint(window.durationMs);
  out.varint(window.dropped);
  out.varint(window.vus ?? 0);
  out.varint(window.steps.size);
  for (const [name, step] of window.steps) {
    out.string(name);
    out.varint(step.requests);
    out.varint(step.bytesIn);
    out.varint(step.bytesOut);
    out.varint(step.checks.passed);
    out.varint(step.checks.failed);
    for (const kind of ERROR_KINDS) out.varint(step.errors[kind]);
    const codes = Object.entries(step.statusCodes);
    out.varint(codes.length);
    for (const [code, n] of codes) {
      out.varint(Number(code));
      out.varint(n);
    }
    out.bytes(step.latencyCounts ?? histogramCounts(step.latency));
  }
  // The compressed body's length is written out, so that bytes appended to a
  // window (which inflate would ignore) are caught as corruption.
  const framed = new ByteWriter();
  framed.byte(MAGIC);
  framed.byte(FORMAT);
  framed.bytes(deflateRawSync(out.finish()));
  return framed.finish();
}

/**
 * A decoded step keeps its latency counts as received; merging reads them
 * directly. The histogram itself is built on first use and kept.
 */
function decodedStep(counters: Omit<StepMetrics, 'latency' | 'latencyCounts'>, latencyCounts: Uint8Array): StepMetrics {
  let latency: Histogram | undefined;
  return {
    ...counters,
    latencyCounts,
    get latency(): Histogram {
      latency ??= histogramFromCounts(latencyCounts);
      return latency;
    },
  };
}

/** Decodes (and so validates) an encoded window; throws an Error saying what is wrong. */
export function decodeWindow(bytes: Uint8Array): Window {
  try {
    const framed = new ByteReader(bytes);
    const magic = framed.byte();
    if (magic !== MAGIC) throw new Error(`not an encoded window (first byte ${magic})`);
    const format = framed.byte();
    if (
      format !== FORMAT &&
      format !== FORMAT_WITHOUT_BLOCKED &&
      format !== FORMAT_WITHOUT_VUS &&
      format !== FORMAT_WITHOUT_INTERRUPTED &&
      format !== FORMAT_WITHOUT_DROPPED
    ) {
      throw new Error(`unknown window format ${format} (expected ${FORMAT_WITHOUT_DROPPED} to ${FORMAT})`);
    }
    const kinds = kindsOf(format);
    const compressed = framed.bytes();
    if (!framed.done) throw new Error('trailing bytes after the window');
    let body: Uint8Array;
    try {
      body = inflateRawSync(compressed);
    } catch (error) {
      throw new Error(`corrupt compressed body: ${(error as Error).message}`, { cause: error });
    }
    const input = new ByteReader(body);
    const second = input.varint();
    const durationMs = input.varint();
    const dropped = format === FORMAT_WITHOUT_DROPPED ? 0 : input.varint();
    const vus = format >= FORMAT_WITHOUT_BLOCKED ? input.varint() : undefined;
    const stepCount = input.varint();
    const steps = new Map<string, StepMetrics>();
    for (let i = 0; i < stepCount; i++) {
      const name = input.string();
      const requests = input.varint();
      const bytesIn = input.varint();
      const bytesOut = input.varint();
      const checks = { passed: input.varint(), failed: input.varint() };
      const errors = emptyErrorCounts();
      for (const kind of kinds) errors[kind] = input.varint();
      const statusCodes: Record<string, number> = {};
      const codeCount = input.varint();
      for (let c = 0; c < codeCount; c++) {
        const code = input.varint();
        if (code < 100 || code > 599) throw new Error(`step "${name}": status code ${code} is not an HTTP status`);
        statusCodes[String(code)] = input.varint();
      }
      const latencyCounts = Uint8Array.from(input.bytes());
      const latencies = countsTotal(latencyCounts);
      if (latencies !== requests) throw new Error(`step "${name}": ${requests} requests but ${latencies} latencies`);
      if (steps.has(name)) throw new Error(`step "${name}" appears twice`);
      steps.set(name, decodedStep({ requests, bytesIn, bytesOut, statusCodes, errors, checks }, latencyCounts));
    }
    if (!input.done) throw new Error('trailing bytes after the last step');
    if (durationMs > 60_000) throw new Error(`durationMs ${durationMs} is longer than a window can be`);
    return { second, durationMs, dropped, ...(vus === undefined ? {} : { vus }), steps };
  } catch (error) {
    throw new Error(`invalid encoded window: ${(error as Error).message}`, { cause: error });
  }
}

/** The encoded window as carried in a `run.window` message. */
export function encodeWindowBase64(window: Window): string {
  return Buffer.from(encodeWindow(window)).toString('base64');
}

export function decodeWindowBase64(data: string): Window {
  return decodeWindow(Buffer.from(data, 'base64'));
}
