import { ERROR_KINDS, type ErrorKind } from '@loadtest/protocol';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ByteReader, ByteWriter } from './bytes.js';
import { bucketsFromCounts, bucketsTotal, countsFromBuckets } from './counts.js';
import { decodedStep } from './decoded-step.js';
import { histogramCounts } from './histogram.js';
import { emptyErrorCounts, type StepMetrics, type Window } from './window.js';

/**
 * Formats 2 to 6, written until format 7 and still read, as windows stored in PostgreSQL use them:
 *
 *   'W' format length deflate-raw(body)
 *   body: second durationMs dropped vus stepCount
 *         per step: name requests bytesIn bytesOut checksPassed checksFailed
 *                   errors(timeout refused reset other interrupted blocked) statusCount (code count)* latencyCounts
 *
 * Numbers are unsigned LEB128 varints; strings and the latency counts (HDR's V2 counts without its fixed header)
 * are length-prefixed. Format 5 is format 6 without the `blocked` error count, format 4 also without `vus`
 * (decoded as undefined), format 3 also without the `interrupted` error count, format 2 also without `dropped`;
 * they decode with 0 for the counts they lack.
 */
export const FORMAT_6 = 6;
const FORMAT_WITHOUT_BLOCKED = 5;
const FORMAT_WITHOUT_VUS = 4;
export const FORMAT_WITHOUT_DROPPED = 2;

/** The error kinds a format holds, in order. */
const kindsOf = (format: number): readonly ErrorKind[] =>
  ERROR_KINDS.filter((kind) => (kind !== 'blocked' || format > FORMAT_WITHOUT_BLOCKED) && (kind !== 'interrupted' || format >= FORMAT_WITHOUT_VUS));

/**
 * The format-6 writer, as it was before format 7: kept only so that benchmarks and tests can compare the
 * two formats and check that windows stored in format 6 still decode. Services write with `encodeWindow`.
 */
export function encodeWindowFormat6(window: Window): Uint8Array {
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
    out.bytes(step.received ? countsFromBuckets(step.received.latencyBuckets) : histogramCounts(step.latency));
  }
  const framed = new ByteWriter();
  framed.byte(0x57);
  framed.byte(FORMAT_6);
  framed.bytes(deflateRawSync(out.finish()));
  return framed.finish();
}

/** Decodes a window of format 2 to 6, `framed` being just past its format byte. Throws an Error saying what is wrong. */
export function decodeDeflatedWindow(format: number, framed: ByteReader): Window {
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
    // These formats wrote codes in any order (a repeated one counting once, its last count): read as they were.
    const byCode = new Map<number, number>();
    const codeCount = input.varint();
    for (let c = 0; c < codeCount; c++) {
      const code = input.varint();
      if (code < 100 || code > 599) throw new Error(`step "${name}": status code ${code} is not an HTTP status`);
      byCode.set(code, input.varint());
    }
    const statusCodes = [...byCode].sort((a, b) => a[0] - b[0]).flat();
    const latencyBuckets = bucketsFromCounts(input.bytes());
    const latencies = bucketsTotal(latencyBuckets);
    if (latencies !== requests) throw new Error(`step "${name}": ${requests} requests but ${latencies} latencies`);
    if (steps.has(name)) throw new Error(`step "${name}" appears twice`);
    steps.set(name, decodedStep({ requests, bytesIn, bytesOut, errors, checks }, { statusCodes, latencyBuckets }));
  }
  if (!input.done) throw new Error('trailing bytes after the last step');
  return { second, durationMs, dropped, ...(vus === undefined ? {} : { vus }), steps };
}
