import { ERROR_KINDS } from '@loadtest/protocol';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { BitReader, BitWriter } from './bits.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { decodeDeflatedWindow, FORMAT_6, FORMAT_WITHOUT_DROPPED } from './codec-deflated.js';
import { readCountsBits, writeCountsBits } from './counts-bits.js';
import { bucketsFromCounts, type LatencyBuckets } from './counts.js';
import { decodedStep, type StepCounters } from './decoded-step.js';
import { histogramCounts } from './histogram.js';
import { emptyErrorCounts, type StepMetrics, type Window } from './window.js';

const MAGIC = 0x57; // 'W'
/** The format written. */
const FORMAT = 7;
/** The usual window length, written as 0 (its difference). */
const FULL_SECOND_MS = 1000;
/** A header this long may repeat itself (many steps of similar names): deflate is tried on it. */
const DEFLATE_HEADER_FROM_BYTES = 64;
/** Presence bits after the error kinds' (one bit each, in ERROR_KINDS order). */
const CHECKS_PASSED_BIT = ERROR_KINDS.length;
const CHECKS_FAILED_BIT = ERROR_KINDS.length + 1;
const LOWEST_STATUS = 100;
const HIGHEST_STATUS = 599;

/**
 * Compact binary form of a window, for the broker and for storage (format 7):
 *
 *   'W' 7 stepCount×2+deflated [headerLength] header latencyBits
 *   header: second durationMs−1000(zig-zag) dropped vus
 *           per step: name requests bytesIn bytesOut present (present counters)* statusCount (code count)*
 *   latencyBits: per step, its latency counts (see counts-bits.ts), then zero bits up to a whole byte
 *
 * Numbers are unsigned LEB128 varints, strings length-prefixed. `present` has one bit per counter that is not 0
 * (the error kinds in ERROR_KINDS order, then checks passed and failed); only those follow. Status codes go in
 * ascending order, each as its difference from the previous one (the first from 100). The header is stored
 * deflated (and then length-prefixed) only when that is shorter: with many steps of similar names.
 *
 * The latency counts are not deflated: deflate did little for HDR's (empty run, count) pairs and paid a Huffman
 * table per window; the adaptive Rice codes of counts-bits.ts take the gaps between buckets near their entropy and
 * counts of 1 almost for free. A step's counts are read until they reach its `requests`, so a window whose steps
 * disagree with their histograms cannot be written (nor, in any format, decoded).
 *
 * Formats 2 to 6 (a deflated body of varints with HDR's counts as bytes, codec-deflated.ts) are still decoded.
 * A window without `vus` is written with 0.
 */
export function encodeWindow(window: Window): Uint8Array {
  const header = new ByteWriter();
  header.varint(window.second);
  header.varint(zigZag(window.durationMs - FULL_SECOND_MS));
  header.varint(window.dropped);
  header.varint(window.vus ?? 0);
  const latencyBits = new BitWriter();
  for (const [name, step] of window.steps) {
    header.string(name);
    header.varint(step.requests);
    header.varint(step.bytesIn);
    header.varint(step.bytesOut);
    writeCounters(header, step);
    writeStatusCodes(header, name, step.statusCodes);
    const latencies = writeCountsBits(latencyBits, step.received?.latencyBuckets ?? bucketsFromCounts(histogramCounts(step.latency)));
    if (latencies !== step.requests) throw new Error(`cannot encode step "${name}": ${step.requests} requests but ${latencies} latencies`);
  }
  const headerBytes = header.finish();
  const deflated = headerBytes.length >= DEFLATE_HEADER_FROM_BYTES ? deflateRawSync(headerBytes) : undefined;
  // A deflated header carries its length (a byte or two): only worth it when it saves more.
  const useDeflated = deflated !== undefined && deflated.length + 2 < headerBytes.length;
  const framed = new ByteWriter();
  framed.byte(MAGIC);
  framed.byte(FORMAT);
  framed.varint(window.steps.size * 2 + (useDeflated ? 1 : 0));
  if (useDeflated) framed.bytes(deflated);
  else framed.raw(headerBytes);
  framed.raw(latencyBits.finish());
  return framed.finish();
}

function zigZag(value: number): number {
  return value >= 0 ? 2 * value : -2 * value - 1;
}

function unZigZag(value: number): number {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}

function writeCounters(out: ByteWriter, step: StepMetrics): void {
  const values = [...ERROR_KINDS.map((kind) => step.errors[kind]), step.checks.passed, step.checks.failed];
  let present = 0;
  values.forEach((value, bit) => {
    if (value !== 0) present |= 1 << bit;
  });
  out.varint(present);
  for (const value of values) if (value !== 0) out.varint(value);
}

function writeStatusCodes(out: ByteWriter, stepName: string, statusCodes: Record<string, number>): void {
  const codes = Object.entries(statusCodes)
    .map(([code, count]) => [Number(code), count] as const)
    .sort((a, b) => a[0] - b[0]);
  out.varint(codes.length);
  let previous = LOWEST_STATUS - 1;
  for (const [code, count] of codes) {
    if (!Number.isInteger(code) || code < LOWEST_STATUS || code > HIGHEST_STATUS || code === previous) {
      throw new Error(`cannot encode step "${stepName}": status code "${code}" is not an HTTP status, or appears twice`);
    }
    out.varint(code - previous - 1);
    out.varint(count);
    previous = code;
  }
}

/** Decodes (and so validates) an encoded window; throws an Error saying what is wrong. */
export function decodeWindow(bytes: Uint8Array): Window {
  try {
    const framed = new ByteReader(bytes);
    const magic = framed.byte();
    if (magic !== MAGIC) throw new Error(`not an encoded window (first byte ${magic})`);
    const format = framed.byte();
    let window: Window;
    if (format === FORMAT) window = decodeFormat7(bytes, framed);
    else if (format >= FORMAT_WITHOUT_DROPPED && format <= FORMAT_6) window = decodeDeflatedWindow(format, framed);
    else throw new Error(`unknown window format ${format} (expected ${FORMAT_WITHOUT_DROPPED} to ${FORMAT})`);
    if (window.durationMs > 60_000) throw new Error(`durationMs ${window.durationMs} is longer than a window can be`);
    return window;
  } catch (error) {
    throw new Error(`invalid encoded window: ${(error as Error).message}`, { cause: error });
  }
}

function decodeFormat7(bytes: Uint8Array, framed: ByteReader): Window {
  const stepsAndFlag = framed.varint();
  const stepCount = Math.floor(stepsAndFlag / 2);
  let header = framed;
  if (stepsAndFlag % 2 === 1) {
    let inflated: Uint8Array;
    try {
      inflated = inflateRawSync(framed.bytes());
    } catch (error) {
      throw new Error(`corrupt compressed header: ${(error as Error).message}`, { cause: error });
    }
    header = new ByteReader(inflated);
  }
  const second = header.varint();
  const durationMs = FULL_SECOND_MS + unZigZag(header.varint());
  if (durationMs < 0) throw new Error(`durationMs ${durationMs} is negative`);
  const dropped = header.varint();
  const vus = header.varint();
  // Per step, in parallel: the latency bits after the header are read once every step's counters are.
  const names: string[] = [];
  const counters: StepCounters[] = [];
  const statusCodes: number[][] = [];
  for (let i = 0; i < stepCount; i++) {
    const name = header.string();
    const requests = header.varint();
    const bytesIn = header.varint();
    const bytesOut = header.varint();
    const present = header.varint();
    if (present >= 1 << (CHECKS_FAILED_BIT + 1)) throw new Error(`step "${name}": unknown counters present (${present})`);
    const errors = emptyErrorCounts();
    for (let bit = 0; bit < ERROR_KINDS.length; bit++) if (present & (1 << bit)) errors[ERROR_KINDS[bit]!] = header.varint();
    const checks = { passed: present & (1 << CHECKS_PASSED_BIT) ? header.varint() : 0, failed: present & (1 << CHECKS_FAILED_BIT) ? header.varint() : 0 };
    // Pairs, not a record: see decoded-step.ts.
    const codes: number[] = [];
    const codeCount = header.varint();
    let code = LOWEST_STATUS - 1;
    for (let c = 0; c < codeCount; c++) {
      code += header.varint() + 1;
      if (code > HIGHEST_STATUS) throw new Error(`step "${name}": status code ${code} is not an HTTP status`);
      codes.push(code, header.varint());
    }
    names.push(name);
    counters.push({ requests, bytesIn, bytesOut, errors, checks });
    statusCodes.push(codes);
  }
  if (header !== framed && !header.done) throw new Error('trailing bytes after the compressed header');
  // The latency bits follow the header, or the deflated header's bytes.
  const latencyBits = new BitReader(bytes, framed.offset);
  const steps = new Map<string, StepMetrics>();
  for (let i = 0; i < stepCount; i++) {
    const name = names[i]!;
    const step = counters[i]!;
    let latencyBuckets: LatencyBuckets;
    try {
      latencyBuckets = readCountsBits(latencyBits, step.requests);
    } catch (error) {
      throw new Error(`step "${name}": ${step.requests} requests but the latency counts do not match: ${(error as Error).message}`, { cause: error });
    }
    if (steps.has(name)) throw new Error(`step "${name}" appears twice`);
    steps.set(name, decodedStep(step, { statusCodes: statusCodes[i]!, latencyBuckets }));
  }
  if (!latencyBits.atPaddedEnd) throw new Error('trailing bytes (or bits) after the last step');
  return { second, durationMs, dropped, vus, steps };
}

/** The encoded window as carried in a `run.window` message. */
export function encodeWindowBase64(window: Window): string {
  return Buffer.from(encodeWindow(window)).toString('base64');
}

export function decodeWindowBase64(data: string): Window {
  return decodeWindow(Buffer.from(data, 'base64'));
}
